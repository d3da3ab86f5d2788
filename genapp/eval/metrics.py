"""Metrics, each a named function with its source. Numbers in nats unless a name says otherwise."""
import torch


@torch.no_grad()
def class_agreement(classifier, samples, labels) -> float:
    """Share of samples whose class, as the evaluator recognises it, is the one requested
    (the conditional analogue of the classifier-based scores of Salimans et al. 2016)."""
    predicted = torch.cat([classifier(samples[i:i + 500]).argmax(1) for i in range(0, len(samples), 500)])
    return (predicted == labels).float().mean().item()


@torch.no_grad()
def accuracy(classifier, x, y) -> float:
    return class_agreement(classifier, x, y)


@torch.no_grad()
def free_energy_gap(rbm, x_train, y_train, x_test, y_test) -> float:
    """Mean free energy of test data minus that of as many training examples (Hinton 2010,
    "A Practical Guide to Training RBMs", section 6): near 0 when the RBM does not overfit."""
    n = min(len(x_train), len(x_test))
    f = lambda x, y: rbm.free_energy(x[:n].flatten(1), rbm.one_hot(y[:n])).mean().item()
    return f(x_test, y_test) - f(x_train, y_train)
