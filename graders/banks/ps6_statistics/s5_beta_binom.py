"""Planted wrong answers and alternative correct answers for S5 beta_binom."""

ANSWER_CELL = "s5_beta_binom"
CHECK = "statistics.beta_binom"

WRONG: dict[str, str] = {
    # The posterior mean reported as the MAP.
    "mode_is_mean": '''
def beta_binom(a, b, k, n):
    a1, b1 = a + k, b + n - k
    m = a1 / (a1 + b1)
    return a1, b1, m, m, m
''',
    # Successes and failures swapped.
    "swapped_counts": '''
def beta_binom(a, b, k, n):
    a1, b1 = a + (n - k), b + k
    m = a1 / (a1 + b1)
    if a1 > 1 and b1 > 1:
        mode = (a1 - 1) / (a1 + b1 - 2)
    elif (a1 == 1 and b1 == 1) or (a1 < 1 and b1 < 1):
        mode = np.nan
    else:
        mode = 0.0 if a1 <= 1 <= b1 else 1.0
    return a1, b1, m, mode, m
''',
    # The interior formula everywhere (negative or > 1 on the boundary, 0/0 when flat).
    "formula_always": '''
def beta_binom(a, b, k, n):
    a1, b1 = a + k, b + n - k
    m = a1 / (a1 + b1)
    d = a1 + b1 - 2
    mode = (a1 - 1) / d if d != 0 else np.nan
    return a1, b1, m, mode, m
''',
    # Clipping the formula to [0, 1]: wrong side when a' + b' < 2.
    "clipped_formula": '''
def beta_binom(a, b, k, n):
    a1, b1 = a + k, b + n - k
    m = a1 / (a1 + b1)
    if (a1 == 1 and b1 == 1) or (a1 < 1 and b1 < 1):
        mode = np.nan
    else:
        mode = float(np.clip((a1 - 1) / (a1 + b1 - 2), 0.0, 1.0))
    return a1, b1, m, mode, m
''',
    # The plug-in MAP as the predictive probability.
    "p_next_is_mode": '''
def beta_binom(a, b, k, n):
    a1, b1 = a + k, b + n - k
    m = a1 / (a1 + b1)
    if a1 > 1 and b1 > 1:
        mode = (a1 - 1) / (a1 + b1 - 2)
    elif (a1 == 1 and b1 == 1) or (a1 < 1 and b1 < 1):
        mode = np.nan
    else:
        mode = 0.0 if a1 <= 1 <= b1 else 1.0
    return a1, b1, m, mode, mode
''',
}

ALTERNATIVES: dict[str, str] = {
    # Branches on where the density is monotone, numpy scalars in the output.
    "monotone_branches": '''
def beta_binom(a, b, k, n):
    a1 = np.float64(a) + k
    b1 = np.float64(b) + (n - k)
    mean = a1 / (a1 + b1)
    if a1 < 1 and b1 < 1:
        mode = np.float64(np.nan)
    elif a1 == 1 and b1 == 1:
        mode = np.float64(np.nan)
    elif a1 <= 1 <= b1:
        mode = np.float64(0.0)
    elif b1 <= 1 <= a1:
        mode = np.float64(1.0)
    else:
        mode = (a1 - 1) / ((a1 - 1) + (b1 - 1))
    return a1, b1, mean, mode, mean
''',
    # A list instead of a tuple, ints kept where the inputs are ints.
    "list_and_ints": '''
def beta_binom(a, b, k, n):
    ap = a + k
    bp = b + n - k
    if ap > 1 and bp > 1:
        mode = (ap - 1) / (ap + bp - 2)
    elif (ap < 1 and bp < 1) or ap == bp == 1:
        mode = float("nan")
    else:
        mode = 0.0 if ap <= 1 <= bp else 1.0
    return [ap, bp, ap / (ap + bp), mode, ap / (ap + bp)]
''',
}
