"""A direct numpy port of goodfeli/adversarial parzen_ll.py (credit there: Yann N. Dauphin).

For parity and speed comparisons with gan_bench.metrics.parzen only. Kept as the reference wrote
it: broadcast differences (x - mu) / sigma over a batch of points, the reference's log-mean-exp,
batches taken with a stride (``x[inds[i::n_batches]]``), and every sigma recomputing all
distances. Theano's float32 graph becomes numpy in the inputs' dtype; printing is dropped.
"""

import numpy


def log_mean_exp(a):
    max_ = a.max(1)
    return max_ + numpy.log(numpy.exp(a - max_[:, None]).mean(1))


def numpy_parzen(mu, sigma):
    def parzen(x):
        a = (x[:, None, :] - mu[None, :, :]) / sigma
        e = log_mean_exp(-0.5 * (a**2).sum(2))
        z = mu.shape[1] * numpy.log(sigma * numpy.sqrt(numpy.pi * 2))
        return e - z

    return parzen


def get_nll(x, parzen, batch_size=10):
    inds = range(x.shape[0])
    n_batches = int(numpy.ceil(float(len(inds)) / batch_size))
    nlls = []
    for i in range(n_batches):
        nlls.extend(parzen(x[inds[i::n_batches]]))
    return numpy.array(nlls)


def cross_validate_sigma(samples, data, sigmas, batch_size):
    """The chosen sigma and, unlike the reference, the mean LL per sigma for parity checks."""
    lls = []
    for sigma in sigmas:
        parzen = numpy_parzen(samples, sigma)
        tmp = get_nll(data, parzen, batch_size=batch_size)
        lls.append(numpy.asarray(tmp).mean())
    ind = numpy.argmax(lls)
    return sigmas[ind], lls


def evaluate(samples, valid, test, sigmas, batch_size=10):
    """The reference's main() after sampling: (test LL mean, standard error, sigma, valid LLs).

    ``samples``, ``valid`` and ``test`` are (n, d) arrays. The reference's main() passes batch
    size 100, which makes 3 GB temporaries at d = 784; its get_nll default of 10 is used here.
    """
    sigma, lls = cross_validate_sigma(samples, valid, sigmas, batch_size)
    parzen = numpy_parzen(samples, sigma)
    ll = get_nll(test, parzen, batch_size=batch_size)
    se = ll.std() / numpy.sqrt(test.shape[0])
    return ll.mean(), se, sigma, lls
