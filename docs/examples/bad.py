def f(x):
    # a list is not scalar Python
    y = x*x
    xs = [x, 2*x]
    return y
