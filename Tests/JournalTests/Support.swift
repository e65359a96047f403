/// A sweep of 2 seeds × (dense + 2 levels × (ticket + reinit)) = 10 short trials: the
/// journal tests' usual plan.
let tinySweepYAML = """
    name: tiny
    dataset: fashion-mnist
    model: lenet-300-100
    training: {length: 100it, eval_every: 50}
    levels: 2
    controls: {reinit: 1}
    seeds: 2
    """
