"""Mean, sample standard deviation and the 95% confidence interval of the mean
(Student's t, two-sided) over the repetitions of one point."""
import math

# t(0.975, df) for df = 1..30, then a few larger df; from the Student t distribution.
_T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
         2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
         2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]
_T975_LARGE = [(40, 2.021), (60, 2.000), (120, 1.980)]


def t975(df):
    if df < 1:
        raise ValueError("df >= 1")
    if df <= 30:
        return _T975[df - 1]
    for lim, t in _T975_LARGE:
        if df <= lim:
            return t
    return 1.960


def summarize(values):
    """(n, mean, stddev, ci95 half-width); stddev and ci are None for n < 2."""
    xs = [v for v in values if v is not None]
    n = len(xs)
    if n == 0:
        return 0, None, None, None
    mean = math.fsum(xs) / n
    if n < 2:
        return n, mean, None, None
    var = math.fsum((x - mean) ** 2 for x in xs) / (n - 1)
    sd = math.sqrt(var)
    return n, mean, sd, t975(n - 1) * sd / math.sqrt(n)
