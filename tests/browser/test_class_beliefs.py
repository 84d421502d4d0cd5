"""What the class believes, in the browser: with JavaScript off a teacher follows a bar to the names;
axe finds nothing at 1280 px (light) and 390 px (dark) in both languages, and the pages fit a phone."""

from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.pages import teacher_class_pages
from tests.browser.test_classroom import teacher_token
from tests.browser.walks import walk

LESSON = "/lessons/rebinding-pitfall"
CHECK = "rebind_in_loop_changes_model"


def layout_problems(seen: dict) -> list[str]:
    problems = []
    for (language, path), found in seen.items():
        layout = found["layout"]
        if layout["page"] > layout["width"]:
            problems.append(f"{language} {path}: {layout['page']} px wide at {layout['width']}: {layout['sticking']}")
        issues = layout["tiny"] + layout["clipped"] + layout["unreachable"]
        problems += [f"{language} {path}: {issue}" for issue in issues]
    return problems


def test_a_teacher_reads_what_the_class_believes_without_javascript(browser, page_without_js, server_url):
    teacher = page_without_js
    teacher.goto(f"{server_url}/teacher/sign-in?token={teacher_token()}")
    teacher.get_by_label("Name").fill("Beliefs class")
    teacher.get_by_label("End date").fill((date.today() + timedelta(days=20)).isoformat())
    teacher.get_by_role("button", name="Create the class").click()
    code = teacher.locator("[data-join-code]").inner_text()
    class_url = teacher.url

    student = browser.new_context(java_script_enabled=False, locale="zh-CN").new_page()
    student.goto(f"{server_url}/join/{code}")
    student.locator("#join-name").fill("小红")
    student.locator("form[action='/join'] button").click()
    expect(student.locator("[data-recovery-code]")).to_be_visible()
    student.goto(server_url + LESSON)
    student.locator(f"#check-{CHECK} input[value=changed]").check()
    student.locator(f"#check-{CHECK} button").click()
    expect(student.locator(f"#check-{CHECK} .verdict-wrong")).to_be_visible()
    student.context.close()

    teacher.goto(class_url)
    teacher.locator("a[href$='/checks']").first.click()
    expect(teacher.locator(f"[data-belief={CHECK}]")).to_contain_text("100% think")
    teacher.get_by_label("Lesson").select_option("rebinding-pitfall")
    teacher.get_by_role("button", name="Show").click()
    expect(teacher).to_have_url(f"{class_url}/checks?lesson=rebinding-pitfall")
    teacher.locator(f"[data-belief={CHECK}] tr[data-option=changed] a").click()
    expect(teacher.locator("[data-chooser]")).to_have_text(["小红"])

    class_id = class_url.rsplit("/", 1)[1]
    cookies = teacher.context.cookies()
    for width, theme in ((1280, "light"), (390, "dark")):
        seen = walk(browser, server_url, width, theme, teacher_class_pages(class_id, CHECK), True, cookies)
        found = [f"{width} {lang} {path}: {v}" for (lang, path), page in seen.items() for v in page["axe"]]
        assert not found, "\n".join(found)
        assert not layout_problems(seen), "\n".join(layout_problems(seen))
