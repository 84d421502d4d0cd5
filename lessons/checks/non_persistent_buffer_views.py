# Where does a buffer registered with persistent=False show up: named_buffers(), state_dict(), both?
m = nn.Module()
m.register_buffer("cache", torch.zeros(2), persistent=False)

in_buffers = "cache" in dict(m.named_buffers())
in_state_dict = "cache" in m.state_dict()
shown = f"in named_buffers(): {in_buffers}, in state_dict(): {in_state_dict}"
answer = {
    (True, True): "both",
    (True, False): "buffers_only",
    (False, True): "state_dict_only",
    (False, False): "neither",
}[(in_buffers, in_state_dict)]
