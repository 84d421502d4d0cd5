"""Simulate many learners, each working through a lesson's labs with their own inputs."""

import asyncio

import httpx2 as httpx

from benchmarks.scenarios import LAB_SCENARIOS


def learner_requests(learner: int) -> list[str]:
    """Return the URLs one learner visits: a lesson page, then each lab with inputs of their own."""
    paths = ["/lessons/tensor-or-parameter"]
    for step in range(5):
        seed = learner * 10 + step
        paths.append(
            f"/lessons/tensor-or-parameter?lab=tensor_or_parameter&seed={seed}&shape={step + 1},3&wrapper=parameter"
        )
    paths += [scenario.path for scenario in LAB_SCENARIOS]
    return paths


async def simulate(base_url: str, learners: int = 200, concurrency: int = 50, offset: int = 0) -> dict[str, int]:
    """Run every learner's requests with at most `concurrency` in flight; count the answers.

    Learners are numbered from `offset`, so a later round (the soak's) sends inputs not seen before."""
    limit = asyncio.Semaphore(concurrency)
    counts = {"requests": 0, "failures": 0}

    async def one(client: httpx.AsyncClient, learner: int) -> None:
        for path in learner_requests(learner):
            async with limit:
                response = await client.get(path, headers={"HX-Request": "true"} if "lab=" in path else {})
            counts["requests"] += 1
            counts["failures"] += response.status_code != 200

    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        await asyncio.wait_for(asyncio.gather(*(one(client, n) for n in range(offset, offset + learners))), timeout=600)
    return counts
