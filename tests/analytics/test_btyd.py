"""The models reproduce the estimates their papers publish on the CDNOW data, agree with the lifetimes
reference implementation, and stay numerically sound at the edges."""

import warnings

import numpy as np
import pytest

from keyaccount.analytics import btyd
from tests.analytics.conftest import relative

# Fader, Hardie & Lee (2005), "Counting your customers the easy way", table 1 / text: BG/NBD on CDNOW.
BGNBD_PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
BGNBD_LOGLIK = -9582.4
# Fader, Hardie & Lee (2005), "RFM and CLV": Pareto/NBD and Gamma-Gamma on CDNOW. (The likelihood is
# so flat in beta, standard error 6, that solvers stop anywhere in 11.666-11.670; the figures the
# paper prints to two decimals are the ones every maximum agrees on.)
PARETO_PUBLISHED = {"r": 0.55, "alpha": 10.58, "s": 0.61, "beta": 11.67}
PARETO_LOGLIK = -9595.0
GAMMA_GAMMA_PUBLISHED = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def rounded_like(published: dict, fitted: dict) -> dict:
    return {k: round(fitted[k], len(str(v).split(".")[1])) for k, v in published.items()}


def test_bgnbd_reproduces_the_published_estimates(cdnow_summary):
    fit = btyd.BGNBD().fit(*cdnow_summary)
    assert rounded_like(BGNBD_PUBLISHED, fit.params) == BGNBD_PUBLISHED
    assert round(fit.loglik, 1) == BGNBD_LOGLIK and fit.converged
    assert all(se is not None and 0 < se < fit.params[k] for k, se in fit.se.items())


def test_pareto_nbd_reproduces_the_published_estimates(cdnow_summary):
    fit = btyd.ParetoNBD().fit(*cdnow_summary)
    assert rounded_like(PARETO_PUBLISHED, fit.params) == PARETO_PUBLISHED
    assert round(fit.loglik, 0) == PARETO_LOGLIK and fit.converged


def test_gamma_gamma_reproduces_the_published_estimates(cdnow_orders_csv):
    import datetime as dt

    from keyaccount.analytics import data, summary

    # From the transactions: the summary file rounds each customer's average to the cent.
    table = summary.customer_summary(data.read_orders(cdnow_orders_csv), until=dt.date(1997, 9, 30))
    fit = btyd.GammaGamma().fit(table["frequency"].to_numpy(), table["monetary_value"].to_numpy())
    assert rounded_like(GAMMA_GAMMA_PUBLISHED, fit.params) == GAMMA_GAMMA_PUBLISHED and fit.converged


def _lifetimes(cls, *columns):
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitter = cls()
        fitter.fit(*(pd.Series(c) for c in columns))
    return fitter


def test_bgnbd_agrees_with_the_reference_implementation(cdnow_summary):
    from lifetimes import BetaGeoFitter

    x, t_x, big_t = cdnow_summary
    ours = btyd.BGNBD()
    fit = ours.fit(x, t_x, big_t)
    reference = _lifetimes(BetaGeoFitter, x, t_x, big_t)
    theirs = np.array([reference.params_[k] for k in ours.names])
    assert relative([fit.params[k] for k in ours.names], theirs) < 1e-4
    data = btyd.Compressed.of(x, t_x, big_t)
    their_ll = -ours.negative_log_likelihood(theirs, data)[0]
    assert fit.loglik >= their_ll - 1e-9 and abs(fit.loglik - their_ll) / abs(their_ll) < 1e-6
    ours.params = dict(zip(ours.names, theirs, strict=True))
    assert relative(ours.p_alive(x, t_x, big_t), reference.conditional_probability_alive(x, t_x, big_t)) < 1e-8
    assert relative(ours.expected_purchases(39, x, t_x, big_t),
                    reference.conditional_expected_number_of_purchases_up_to_time(39, x, t_x, big_t)) < 1e-8


def test_pareto_nbd_agrees_with_the_reference_implementation(cdnow_summary):
    from lifetimes import ParetoNBDFitter

    x, t_x, big_t = cdnow_summary
    ours = btyd.ParetoNBD()
    fit = ours.fit(x, t_x, big_t)
    reference = _lifetimes(ParetoNBDFitter, x, t_x, big_t)
    theirs = np.array([reference.params_[k] for k in ours.names])
    # The likelihood is flat in beta: the reference stops within 0.1 % of our maximum, a little lower.
    assert relative([fit.params[k] for k in ours.names], theirs) < 1e-2
    their_ll = -ours.negative_log_likelihood(theirs, btyd.Compressed.of(x, t_x, big_t))[0]
    assert their_ll <= fit.loglik + 1e-6 and abs(fit.loglik - their_ll) / abs(their_ll) < 1e-7
    ours.params = dict(zip(ours.names, theirs, strict=True))
    assert relative(ours.p_alive(x, t_x, big_t), reference.conditional_probability_alive(x, t_x, big_t)) < 1e-6
    assert relative(ours.expected_purchases(39, x, t_x, big_t),
                    reference.conditional_expected_number_of_purchases_up_to_time(39, x, t_x, big_t)) < 1e-6


def test_gamma_gamma_agrees_with_the_reference_implementation(cdnow_spend):
    from lifetimes import GammaGammaFitter

    x, m = cdnow_spend
    ours = btyd.GammaGamma()
    fit = ours.fit(x, m)
    repeat = x > 0
    reference = _lifetimes(GammaGammaFitter, x[repeat], m[repeat])
    assert relative([fit.params[k] for k in ours.names], [reference.params_[k] for k in ("p", "q", "v")]) < 1e-4
    assert relative(ours.expected_spend(x[repeat], m[repeat]),
                    reference.conditional_expected_average_profit(x[repeat], m[repeat])) < 1e-4


@pytest.mark.parametrize("model,params", [(btyd.BGNBD, [0.5, 8.0, 0.7, 3.0]), (btyd.ParetoNBD, [0.5, 9.0, 0.7, 10.0])])
def test_gradients_are_exact(cdnow_summary, model, params):
    data = btyd.Compressed.of(*cdnow_summary)
    params = np.array(params)
    _value, gradient = model.negative_log_likelihood(params, data)
    numeric = []
    for i in range(4):
        step = 1e-6 * params[i]
        up, down = params.copy(), params.copy()
        up[i] += step
        down[i] -= step
        numeric.append((model.negative_log_likelihood(up, data)[0] - model.negative_log_likelihood(down, data)[0])
                       / (2 * step))
    assert relative(gradient, numeric) < 1e-6


def _scale_by_mpmath(params):
    import mpmath

    r, alpha, s, beta = (mpmath.mpf(v) for v in params)
    return r * mpmath.log(alpha) + s * mpmath.log(beta)


def _log_tail_by_mpmath(params, x, t):
    """log ∫_t^∞ (α+τ)^-(r+x) (β+τ)^-(s+1) dτ, by mpmath's 2F1 (at the caller's precision)."""
    import mpmath

    r, alpha, s, beta = (mpmath.mpf(v) for v in params)
    n, m = r + s + x, max(alpha, beta)
    b = s + 1 if alpha >= beta else r + x
    z = abs(alpha - beta) / (m + t)
    return mpmath.log((m + t) ** -n / n * mpmath.hyp2f1(b, n, n + 1, z))


# A customer with thousands of purchases, z near 1 (one of alpha and beta far above the other), on
# both sides of alpha = beta: the untransformed 2F1 overflowed here and the row went to quadrature.
@pytest.mark.parametrize("params", [(0.16, 0.6, 0.17, 13.1), (0.4, 40.0, 0.9, 0.05), (2.0, 3.0, 0.3, 3.0)])
@pytest.mark.parametrize("x,t", [(0.0, 0.0), (1.0, 0.3), (850.0, 2.0), (4000.0, 150.0)])
def test_the_pareto_tail_and_its_gradient_agree_with_mpmath_for_heavy_customers(params, x, t):
    import mpmath

    log_g, grad, bad = btyd._tail(np.array(params), np.array([x]), np.array([t]))
    assert not bad.any()
    with mpmath.workdps(40):
        # The value carries r·log α + s·log β (each row of the likelihood does); the gradient is log G's.
        exact = float(_log_tail_by_mpmath(params, x, t) + _scale_by_mpmath(params))
        assert abs(log_g[0] - exact) < 1e-12 * max(1.0, abs(exact))
        for i in range(4):
            exact = float(mpmath.diff(lambda v, i=i: _log_tail_by_mpmath([*params[:i], v, *params[i + 1:]], x, t),
                                      params[i]))
            assert abs(grad[0, i] - exact) < 1e-7 * max(1.0, abs(exact))


def _log_died_by_mpmath(params, x, t_x, big_t):
    import mpmath

    at_t_x, at_big_t = (mpmath.exp(_log_tail_by_mpmath(params, x, t)) for t in (t_x, big_t))
    return mpmath.log(at_t_x - at_big_t)


# Where the closed form's series would take thousands of terms (z near 1: s and beta far above the
# customers' ages, as heavy-tailed data pull the fit) the died-term goes to quadrature: it must be as
# exact, value and gradient, for light and heavy customers, short and long silences.
@pytest.mark.parametrize("params", [(0.29, 2.18, 24.7, 996.0), (0.288, 2.14, 63928.5, 2631711.3),
                                    (0.4, 40.0, 0.9, 0.05), (0.55, 10.58, 0.61, 11.67)])
@pytest.mark.parametrize("x,t_x,big_t", [(0.0, 0.0, 100.0), (1.0, 40.0, 41.0), (10.0, 5.0, 150.0),
                                         (675.0, 100.0, 156.0), (4000.0, 20.0, 150.0), (3.0, 0.0, 1 / 7)])
def test_the_died_term_by_quadrature_agrees_with_mpmath(params, x, t_x, big_t):
    import mpmath

    log_i, grad = btyd._died_by_quadrature(np.array(params), *(np.array([v]) for v in (x, t_x, big_t)))
    with mpmath.workdps(60):
        exact = float(_log_died_by_mpmath(params, x, t_x, big_t) + _scale_by_mpmath(params))
        assert abs(log_i[0] - exact) < 1e-13 * max(1.0, abs(exact))
        for i in range(4):
            slope = float(mpmath.diff(lambda v, i=i: _log_died_by_mpmath([*params[:i], v, *params[i + 1:]], x, t_x,
                                                                           big_t), params[i]))
            assert abs(grad[0, i] - slope) < 1e-9 * max(1.0, abs(slope))


@pytest.mark.parametrize("params", [(0.29, 2.15, 12.2, 471.0), (0.288, 2.14, 63928.5, 2631711.3),
                                    (0.4, 40.0, 0.9, 0.05), (1.09, 6.67, 1.05, 42.5), (0.086, 0.49, 1.6e6, 9.9e7)])
def test_the_samples_coarser_quadrature_stays_within_what_their_fits_can_notice(params):
    # Customers of every kind a three-year history holds, in weeks at whole days.
    rng = np.random.default_rng(5)
    big_t = rng.integers(1, 156 * 7, 5_000) / 7
    x = np.floor(rng.pareto(0.7, 5_000)).clip(0, 3_000)
    t_x = np.where(x > 0, rng.uniform(0, 1, 5_000) * big_t, 0.0)
    keep = big_t > t_x
    rows = (x[keep], t_x[keep], big_t[keep])
    fine, fine_grad = btyd._died_by_quadrature(np.array(params), *rows, rule=btyd._FINE)
    coarse, coarse_grad = btyd._died_by_quadrature(np.array(params), *rows, rule=btyd._COARSE)
    assert np.max(np.abs(coarse - fine) / np.maximum(1, np.abs(fine))) < 2e-8
    assert np.max(np.abs(coarse_grad - fine_grad) / np.maximum(1e-3, np.abs(fine_grad))) < 1e-5


def test_heavy_tailed_customers_fit_pareto_nbd_in_a_few_passes():
    """A few customers with hundreds of purchases among many who bought once or twice, whose
    lifetimes hardly spread (s and beta run off together along a ridge of the likelihood): the fit
    stops where the likelihood stops improving within its precision, after a bounded number of
    passes, and says how many rows went to quadrature."""
    rng = np.random.default_rng(11)
    n = 20_000
    big_t = rng.integers(1, 156 * 7, n) / 7
    x = np.minimum(np.floor(rng.pareto(0.8, n)), np.floor(big_t * 7))
    t_x = np.where(x > 0, np.maximum(big_t - rng.exponential(10, n), x / 7), 0.0).clip(0, big_t)
    model = btyd.ParetoNBD()
    fit = model.fit(x, t_x, big_t)
    assert x.max() > 500 and np.median(x) <= 1
    assert fit.converged and fit.diagnostics["evaluations"] < 150
    assert fit.diagnostics["rows_evaluated"] < 40 * len(btyd.Compressed.of(x, t_x, big_t).x)
    assert 0 <= fit.diagnostics["quadrature_rows"] <= fit.diagnostics["rows_evaluated"]
    # No better point nearby: the maximum, not a stop on the way.
    data = btyd.Compressed.of(x, t_x, big_t)
    best = np.array([fit.params[k] for k in model.names])
    for factor in (0.99, 1.01):
        for i in range(4):
            moved = best.copy()
            moved[i] *= factor
            assert -model.negative_log_likelihood(moved, data)[0] <= fit.loglik + 1e-9 * abs(fit.loglik)
    assert np.isfinite(model.p_alive(x, t_x, big_t)).all()


@pytest.mark.parametrize("params, served", [
    # α far below β, most customers with a purchase or two: their series take hundreds of terms each,
    # so quadrature, one row at a time, is cheaper; the few heavy buyers' series are short.
    ((0.29, 2.15, 12.2, 471.3), "few"),
    # α and β closer and everyone buying often (the generator's shape): the series serve the rows.
    ((1.09, 6.67, 1.05, 42.5), "all"),
])
def test_the_closed_form_serves_the_rows_where_it_is_cheaper_and_both_ways_agree(monkeypatch, params, served):
    rng = np.random.default_rng(17)
    n = 5_000
    big_t = rng.integers(1, 156, n).astype(float)
    many = 20 + rng.integers(0, 40, n) if served == "all" else np.minimum(np.floor(rng.pareto(0.8, n)), 400)
    x = np.minimum(many, np.floor(big_t)).astype(float)
    t_x = np.where(x > 0, np.maximum(big_t - rng.exponential(10, n), x / 7), 0.0).clip(0, big_t)
    data = btyd.Compressed.of(x, t_x, big_t)
    at_t, at_big_t = data.pairs
    has_died = data.t_x < data.T
    fast_t, fast_big_t = btyd._closed_form_plan(np.array(params), at_t, at_big_t, has_died, True)
    by_closed_form = has_died & fast_t[at_t.index] & fast_big_t[at_big_t.index]
    if served == "all":  # but the youngest customers, whose z is nearest 1
        assert by_closed_form.sum() > 0.98 * has_died.sum()
    else:
        assert by_closed_form.sum() < 0.2 * has_died.sum()
    planned = btyd.ParetoNBD.negative_log_likelihood(np.array(params), data)
    everything = (np.ones(len(at_t.x), dtype=bool), np.ones(len(at_big_t.x), dtype=bool))
    monkeypatch.setattr(btyd, "_closed_form_plan", lambda *args: everything)
    closed_form = btyd.ParetoNBD.negative_log_likelihood(np.array(params), data)
    assert relative(planned[0], closed_form[0]) < 1e-12
    assert np.allclose(planned[1], closed_form[1], rtol=1e-7, atol=1e-7 * len(x))


def test_a_pareto_nbd_fit_is_the_same_on_one_thread_and_on_several(monkeypatch):
    """The rows' work is split over threads in blocks; each row's terms do not depend on its block,
    so the fit (and every score) comes out bit for bit the same."""
    rng = np.random.default_rng(5)
    n = 6_000
    big_t = rng.integers(1, 156 * 7, n) / 7
    x = np.minimum(np.floor(rng.pareto(0.9, n)), np.floor(big_t * 7))
    t_x = np.where(x > 0, np.maximum(big_t - rng.exponential(20, n), x / 7), 0.0).clip(0, big_t)
    monkeypatch.setattr(btyd, "_ROWWISE_MIN_ROWS", 100)
    results = []
    for threads in (1, 3):
        monkeypatch.setattr(btyd, "ROWWISE_THREADS", threads)
        model = btyd.ParetoNBD()
        fit = model.fit(x, t_x, big_t)
        results.append((fit.params, fit.loglik, model.p_alive(x, t_x, big_t)))
    (params_one, loglik_one, alive_one), (params_three, loglik_three, alive_three) = results
    assert params_one == params_three and loglik_one == loglik_three
    assert np.array_equal(alive_one, alive_three)


def test_the_quasi_newton_holds_a_parameter_at_its_edge_and_moves_the_others():
    # A ridge like Pareto/NBD's: f falls as u grows (to the edge of the allowed range), and the best v
    # depends on u. A full step clipped at u's edge leaves v short of its best; held there, v moves.
    top = btyd._LOG_BOUNDS[1]

    def negative_ll_and_grad(params):
        u, v = np.log(params)
        value = 10 - 0.1 * u + (v - 0.5 * u) ** 2
        return value, np.array([-0.1 - (v - 0.5 * u), 2 * (v - 0.5 * u)]) / params

    start = np.exp(np.array([top - 3.0, 5.0]))
    hessian = np.array([[0.5, -1.0], [-1.0, 2.0]]) / np.outer(start, start)  # the valley's, in log-parameters
    fit = btyd._quasi_newton(negative_ll_and_grad, start, hessian, ["u", "v"], 1.0, max_steps=100)
    u, v = np.log([fit.params["u"], fit.params["v"]])
    assert u == pytest.approx(top) and v == pytest.approx(0.5 * top, abs=1e-6)
    assert fit.at_bound == ["u"]


def _heavy_tailed(spread: bool, n=30_000, seed=4):
    """Pareto/NBD-like customers, most of whom rarely buy again: with dropout rates that spread (s = 0.8,
    a maximum inside) or one dropout rate for all (lifetimes of 40 weeks on average: the ridge)."""
    rng = np.random.default_rng(seed)
    big_t = 156 - rng.integers(0, 156 * 7, n) / 7
    rate = rng.gamma(0.3, 1 / 2.0, n)  # purchases a week
    lifetime = rng.exponential(1 / rng.gamma(0.8, 1 / 40.0, n) if spread else np.full(n, 40.0))
    end = np.minimum(lifetime, big_t)
    x = rng.poisson(rate * end).astype(float)
    # The last of x uniform purchase times in (0, end), at whole days.
    t_x = np.where(x > 0, np.floor(end * rng.beta(np.maximum(x, 1), 1) * 7) / 7, 0.0)
    return x, np.minimum(t_x, big_t), big_t


def test_a_samples_maximum_on_the_ridge_gives_way_to_a_higher_one_inside():
    data = btyd.Compressed.of(*_heavy_tailed(spread=True))
    model = btyd.ParetoNBD()
    fit = model.fit_compressed(data)
    assert fit.converged and fit.params["s"] < 100
    # The same purchase process and mean dropout rate far out on the ridge, as a sample's walk can end.
    r, alpha, s, beta = (fit.params[name] for name in model.names)
    ridge = np.array([r, alpha, 3e5, 3e5 * beta / s])
    ridge_fit = btyd.Fit(params=dict(zip(model.names, ridge, strict=True)),
                         loglik=-btyd.ParetoNBD.negative_log_likelihood(ridge, data)[0], converged=True,
                         se=dict.fromkeys(model.names), iterations=0)
    inside = model._off_the_ridge(ridge_fit, data, {})
    assert inside is not None and inside.params["s"] < 100
    assert inside.loglik > ridge_fit.loglik + 1


def test_where_lifetimes_do_not_spread_the_ridge_stands():
    data = btyd.Compressed.of(*_heavy_tailed(spread=False))
    model = btyd.ParetoNBD()
    fit = model.fit_compressed(data)
    assert fit.converged and fit.params["s"] > 1e3
    assert fit.params["s"] / fit.params["beta"] == pytest.approx(1 / 40, rel=0.1)
    assert model._off_the_ridge(fit, data, {}) is None


def test_p_alive_after_a_fit_takes_the_fits_own_terms_and_equals_them_computed_afresh(monkeypatch):
    rng = np.random.default_rng(8)
    n = 8_000
    big_t = rng.integers(1, 156 * 7, n) / 7
    x = np.minimum(np.floor(rng.pareto(0.9, n)), np.floor(big_t * 7))
    t_x = np.where(x > 0, np.maximum(big_t - rng.exponential(20, n), x / 7), 0.0).clip(0, big_t)
    data = btyd.Compressed.of(x, t_x, big_t)
    model = btyd.ParetoNBD()
    model.fit_compressed(data)
    afresh = btyd.ParetoNBD(model.params).p_alive_of(data)
    computed = []
    terms = btyd.ParetoNBD._terms
    monkeypatch.setattr(btyd.ParetoNBD, "_terms", staticmethod(lambda *a, **k: computed.append(1) or terms(*a, **k)))
    assert np.array_equal(model.p_alive_of(data), afresh)
    assert computed == []
    # Other data, or the same after the parameters changed, are computed.
    other = btyd.Compressed.of(x[:500], t_x[:500], big_t[:500])
    assert np.allclose(model.p_alive_of(other)[other.customer_row], afresh[data.customer_row[:500]], rtol=1e-12)
    model.params = {**model.params, "r": model.params["r"] * 1.01}
    assert not np.array_equal(model.p_alive_of(data), afresh)
    assert len(computed) == 2


def test_heavy_buyers_and_parameters_at_their_bounds_stay_finite():
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.integers(0, 5, 500), [300, 450, 600]]).astype(float)
    big_t = np.full(len(x), 104.0)
    t_x = np.where(x > 0, rng.uniform(1, 104, len(x)), 0.0)
    for model in (btyd.BGNBD(), btyd.ParetoNBD()):
        fit = model.fit(x, t_x, big_t)
        assert np.isfinite(fit.loglik)
        assert np.all(np.isfinite(model.p_alive(x, t_x, big_t)))
        assert np.all(np.isfinite(model.expected_purchases(52, x, t_x, big_t)))
    # Nobody ever comes back: the repeat rate runs to its lower bound and the fit says so.
    fit = btyd.BGNBD().fit(np.zeros(200), np.zeros(200), np.full(200, 50.0))
    assert np.isfinite(fit.loglik) and (fit.at_bound or not fit.converged or fit.params["r"] < 1e-3)


def test_no_customers_score_to_nothing():
    params = {"r": 0.3, "alpha": 2.0, "s": 1.5, "beta": 40.0}
    assert btyd.ParetoNBD(params).p_alive([], [], []).shape == (0,)
    assert btyd.ParetoNBD(params).expected_purchases(52, [], [], []).shape == (0,)
    assert btyd.BGNBD({"r": 0.3, "alpha": 2.0, "a": 0.8, "b": 2.5}).expected_purchases(52, [], [], []).shape == (0,)


def test_a_quasi_newton_with_every_parameter_at_its_edge_stops_and_says_so():
    # -sum(log p) falls as every parameter grows: all of them run to the edge and are held there.
    def negative_ll_and_grad(params):
        return -np.sum(np.log(params)), -1 / params

    start = np.full(4, btyd.MAX_PARAM)
    fit = btyd._quasi_newton(negative_ll_and_grad, start, np.diag(1 / start ** 2), ["a", "b", "c", "d"], 1.0)
    assert not fit.converged and fit.at_bound == ["a", "b", "c", "d"]


def test_data_no_larger_than_a_sample_are_probed_off_the_ridge_on_the_whole(monkeypatch):
    # Between the first sample's 5,000 rows and the second's 25,000 the whole data are the first
    # quasi-Newton stage: the probe must run there, or a walk that ended on the ridge stays.
    x, t_x, big_t = _heavy_tailed(spread=True, n=12_000)
    data = btyd.Compressed.of(x, t_x, big_t)
    assert btyd.PARETO_STAGES[0] < len(data.x) <= btyd.PARETO_STAGES[1]
    probed = []
    probe = btyd.ParetoNBD._off_the_ridge
    monkeypatch.setattr(btyd.ParetoNBD, "_off_the_ridge",
                        lambda self, fit, on, *args: probed.append(on) or probe(self, fit, on, *args))
    btyd.ParetoNBD().fit_compressed(data)
    assert [len(on.x) for on in probed] == [len(data.x)]


def test_bad_summaries_are_refused():
    with pytest.raises(ValueError, match="recency"):
        btyd.BGNBD().fit([1], [5], [3])
    with pytest.raises(ValueError, match="whole number"):
        btyd.BGNBD().fit([1.5], [1], [3])


def _bgnbd_expectation_by_mpmath(r, alpha, a, b, x, big_t, t):
    """Equation (10)'s factor for a customer alive at T, with mpmath's 2F1 at 30 digits."""
    import mpmath

    mpmath.mp.dps = 30
    big_a, big_b, big_c = mpmath.mpf(r) + x, mpmath.mpf(b) + x, mpmath.mpf(a) + b + x - 1
    c = mpmath.mpf(t) / (mpmath.mpf(alpha) + big_t)
    return float(big_c / (mpmath.mpf(a) - 1) * (1 - (1 + c) ** -big_a * mpmath.hyp2f1(big_a, big_b, big_c,
                                                                                     c / (1 + c))))


EXTREMES = [(r, alpha, a, b) for r in (1e-3, 0.3, 1e3) for alpha in (1e-3, 5.0, 1e6, 1e8)
            for a in (1e-3, 0.8, 1 + 1e-9, 1e3) for b in (1e-3, 2.4, 1e3)]


def test_bgnbd_expectations_hold_at_extreme_parameters():
    """At parameters that run to extremes (a, b at 1e-3 or 1e3, a next to 1, r tiny or large, alpha
    up to its bound) the expectation is finite, positive and right to 1e-8 against 30-digit 2F1;
    scipy's 2F1 in the textbook formula gives NaN or cancels to nothing on many of these."""
    import pandas as pd
    from lifetimes import BetaGeoFitter

    x = np.array([0.0, 1.0, 5.0, 50.0, 0.0])
    big_t = np.array([0.0, 10.0, 30.0, 39.0, 39.0])
    reference_worked = 0
    for r, alpha, a, b in EXTREMES:
        model = btyd.BGNBD({"r": r, "alpha": alpha, "a": a, "b": b})
        ours = model.purchases_if_alive(52, x, big_t)
        exact = np.array([_bgnbd_expectation_by_mpmath(r, alpha, a, b, xi, ti, 52)
                          for xi, ti in zip(x, big_t, strict=True)])
        assert np.all(np.isfinite(ours) & (ours > 0)), (r, alpha, a, b, ours)
        assert relative(ours, exact) < 1e-8, (r, alpha, a, b, ours, exact)
        # Against lifetimes (P(alive) included) on the rows where its own formula holds.
        fitter = BetaGeoFitter()
        fitter.params_ = pd.Series({"r": r, "alpha": alpha, "a": a, "b": b})
        t_x = np.where(x > 0, big_t / 2, 0.0)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = np.asarray(fitter.conditional_expected_number_of_purchases_up_to_time(52, x, t_x, big_t),
                                dtype=float)
        alive = model.p_alive(x, t_x, big_t)
        works = np.isfinite(theirs) & (np.abs(theirs - exact * alive) <= 1e-8 * exact * alive)
        reference_worked += int(works.sum())
        if works.any():
            assert relative(model.expected_purchases(52, x, t_x, big_t)[works], theirs[works]) < 1e-8
    assert reference_worked > len(EXTREMES)  # the comparison with lifetimes was made on many rows


def test_scores_of_a_fit_at_its_bounds_are_never_null():
    import datetime as dt

    import polars as pl

    from keyaccount.analytics import pipeline

    # One steady customer: BG/NBD's alpha runs to 1e8.
    orders = pl.DataFrame({"customer": ["A"] * 3, "amount": [100.0, 50.0, 50.0],
                           "date": [dt.date(2026, 1, 5), dt.date(2026, 2, 5), dt.date(2026, 3, 5)]})
    analysis = pipeline.analyze(orders=orders)
    assert analysis.models["bgnbd"].at_bound
    assert analysis.customers["expected_purchases"].is_finite().all()
    assert analysis.customers["expected_purchases"][0] > 0
