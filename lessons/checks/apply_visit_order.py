# Which modules does model.apply(fn) call fn on, and in which order?
model = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
visited = []
model.apply(lambda module: visited.append(type(module).__name__))

shown = visited
orders = {
    "children_then_model": ["Linear", "ReLU", "Sequential"],
    "model_then_children": ["Sequential", "Linear", "ReLU"],
    "children_only": ["Linear", "ReLU"],
    "with_parameters_only": ["Linear"],
}
answer = next((key for key, order in orders.items() if order == visited), str(visited))
