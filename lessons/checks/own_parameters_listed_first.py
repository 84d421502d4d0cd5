# A module assigns a submodule first and its own Parameter second: in which order does named_parameters() list them?
class LinearBias(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 5)  # assigned first
        self.bias = nn.Parameter(torch.randn(1, 5))  # assigned second


names = [name for name, _ in LinearBias().named_parameters()]
shown = names
orders = {
    "own_first": ["bias", "linear.weight", "linear.bias"],
    "assignment_order": ["linear.weight", "linear.bias", "bias"],
}
answer = next((key for key, order in orders.items() if order == names), str(names))
