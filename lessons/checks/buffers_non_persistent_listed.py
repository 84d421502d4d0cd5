# Where does a buffer registered with persistent=False show up: named_buffers(), state_dict(), both?
class Cache(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("last_input", torch.zeros(3), persistent=False)


model = Cache()
in_buffers = "last_input" in dict(model.named_buffers())
in_state_dict = "last_input" in model.state_dict()

shown = f"named_buffers(): {list(dict(model.named_buffers()))}; state_dict(): {list(model.state_dict())}"
answer = {
    (True, True): "both",
    (True, False): "buffers_only",
    (False, True): "state_dict_only",
    (False, False): "neither",
}[(in_buffers, in_state_dict)]
