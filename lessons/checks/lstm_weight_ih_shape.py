# What is the shape of weight_ih_l0 in nn.LSTM(512, 64)?
lstm = nn.LSTM(input_size=512, hidden_size=64)

shape = tuple(lstm.weight_ih_l0.shape)
shown = shape
answer = "x".join(str(size) for size in shape)
