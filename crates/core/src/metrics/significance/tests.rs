//! The paired tests against scipy 1.17.1, statsmodels 0.15.0 and ranx 0.3.21
//! (python/make_significance_fixtures.py writes the fixture).

use super::dist::{normal_two_sided, numpy_sum, student_t_two_sided};
use super::*;
use serde_json::Value;

const FIXTURE: &str = include_str!("../../../../../ts/test/fixtures/significance.json");

fn fixture() -> Value {
    serde_json::from_str(FIXTURE).expect("significance.json parses")
}

/// A number, or one of the strings "nan", "inf", "-inf" (JSON has no non-finite numbers).
fn num(v: &Value) -> f64 {
    match v.as_str() {
        Some("nan") => f64::NAN,
        Some("inf") => f64::INFINITY,
        Some("-inf") => f64::NEG_INFINITY,
        _ => v.as_f64().unwrap_or_else(|| panic!("not a number: {v}")),
    }
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array().expect("an array").iter().map(num).collect()
}

/// Equal within `rel` relative error, NaN matching NaN and infinities matching exactly.
fn close(what: &str, got: f64, want: f64, rel: f64) {
    let ok = (got.is_nan() && want.is_nan()) || got == want || (got - want).abs() <= rel * want.abs();
    assert!(ok, "{what}: got {got:e}, scipy {want:e} (rel {:e})", ((got - want) / want).abs());
}

#[test]
fn paired_t_matches_scipy_ttest_rel() {
    for case in fixture()["pairs"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (a, b) = (nums(&case["a"]), nums(&case["b"]));
        let r = paired_t_test(&a, &b).unwrap();
        let want = &case["ttest"];
        assert_eq!(r.test.name(), "paired-t");
        // Same operations in the same order as scipy: bit for bit.
        close(&format!("{name}: t"), r.statistic, num(&want["statistic"]), 0.0);
        close(&format!("{name}: df"), r.df, num(&want["df"]), 0.0);
        close(&format!("{name}: p"), r.p_value, num(&want["pvalue"]), 1e-12);
        close(&format!("{name}: mean"), r.mean_difference, num(&case["mean_difference"]), 0.0);
        close(&format!("{name}: d_z"), r.effect_size, num(&want["dz"]), 1e-14);
        let (lo, hi) = r.confidence_interval(0.95);
        close(&format!("{name}: ci low"), lo, num(&want["ci95"][0]), 1e-12);
        close(&format!("{name}: ci high"), hi, num(&want["ci95"][1]), 1e-12);
    }
}

#[test]
fn wilcoxon_matches_scipy_with_its_defaults() {
    for case in fixture()["pairs"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let r = wilcoxon(&nums(&case["a"]), &nums(&case["b"])).unwrap();
        let want = &case["wilcoxon"];
        let method = match want["method"].as_str().unwrap() {
            "asymptotic" => "normal",
            other => other,
        };
        assert_eq!(r.method.name(), method, "{name}");
        close(&format!("{name}: statistic"), r.statistic, num(&want["statistic"]), 0.0);
        close(&format!("{name}: R+"), r.r_plus, num(&want["r_plus"]), 0.0);
        close(&format!("{name}: R-"), r.r_minus, num(&want["r_minus"]), 0.0);
        close(&format!("{name}: rank-biserial"), r.effect_size, num(&want["rank_biserial"]), 1e-15);
        // Exact and permutation p-values are dyadic and computed exactly on both sides.
        let rel = if r.method == WilcoxonMethod::Normal { 1e-13 } else { 0.0 };
        close(&format!("{name}: p"), r.p_value, num(&want["pvalue"]), rel);
        if r.method == WilcoxonMethod::Normal {
            // scipy reports −|z| for the two-sided test.
            close(&format!("{name}: z"), -r.z.abs(), num(&want["zstatistic"]), 1e-14);
        } else {
            assert!(r.z.is_nan());
        }
    }
}

#[test]
fn distributions_match_scipy_special() {
    let f = fixture();
    for c in f["student_t"].as_array().unwrap() {
        let (t, df) = (num(&c["t"]), num(&c["df"]));
        let got = student_t_two_sided(t, df);
        match c.get("exact") {
            // df = 1: Cauchy's closed form; scipy's stdtr(1, −1e-8) is 3e-9 off it.
            Some(exact) => close(&format!("(2/π)·atan(1/{t})"), got, num(exact), 1e-14),
            None => close(&format!("2·stdtr({df}, −{t})"), got, num(&c["p"]), 1e-12),
        }
    }
    for c in f["normal"].as_array().unwrap() {
        let z = num(&c["z"]);
        // Both round x = z/√2 before erfc, whose condition number 2x² turns that into ~x²·ε
        // (scipy itself is 1e-13 off at z = 37): 1e-12 as everywhere.
        close(&format!("2·ndtr(−{z})"), normal_two_sided(z), num(&c["p"]), 1e-12);
    }
    assert_eq!(student_t_two_sided(0.0, 3.0), 1.0);
    assert_eq!(student_t_two_sided(f64::INFINITY, 3.0), 0.0);
    assert!(student_t_two_sided(f64::NAN, 3.0).is_nan());
    // df = 1 is Cauchy: P(|T| ≥ t) = 1 − (2/π)·atan(t) = (2/π)·atan(1/t).
    for t in [1e-3f64, 0.5, 1.0, 3.0, 1e3, 1e200] {
        let want = 2.0 / std::f64::consts::PI * (1.0 / t).atan();
        // At t = 1e200 the prefactor is e^−460 in logarithms: ~460·ε.
        close(&format!("Cauchy {t:e}"), student_t_two_sided(t, 1.0), want, 1e-13);
    }
}

#[test]
fn holm_and_bonferroni_match_statsmodels() {
    for case in fixture()["adjust"].as_array().unwrap() {
        let p = nums(&case["p"]);
        assert_eq!(adjust_p_values(&p, PAdjust::Holm).unwrap(), nums(&case["holm"]), "{}", case["name"]);
        assert_eq!(adjust_p_values(&p, PAdjust::Bonferroni).unwrap(), nums(&case["bonferroni"]), "{}", case["name"]);
    }
    assert_eq!(adjust_p_values(&[], PAdjust::Holm).unwrap(), Vec::<f64>::new());
    assert_eq!(PAdjust::parse("holm").unwrap(), PAdjust::Holm);
    assert_eq!(PAdjust::parse("bh").unwrap_err().arg, "method");
    assert_eq!(adjust_p_values(&[0.1, f64::NAN], PAdjust::Holm).unwrap_err().arg, "pValues");
    assert_eq!(adjust_p_values(&[1.5], PAdjust::Bonferroni).unwrap_err().arg, "pValues");
}

/// Five standard errors of a Monte Carlo proportion over `n` draws, plus a count's rounding.
fn mc_bound(p: f64, n: f64) -> f64 {
    5.0 * (p * (1.0 - p) / n).sqrt() + 1e-12
}

#[test]
fn randomization_is_exactly_its_specification_and_agrees_with_ranx() {
    for case in fixture()["randomization"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (a, b) = (nums(&case["a"]), nums(&case["b"]));
        let perms = case["permutations"].as_u64().unwrap() as usize;
        let seed = case["seed"].as_u64().unwrap();
        let r = randomization_test(&a, &b, perms, seed).unwrap();
        // The count from the Python replica of the documented algorithm: bit for bit.
        assert_eq!(r.extreme as u64, case["reckit_count"].as_u64().unwrap(), "{name}");
        assert_eq!(format!("{r:?}"), format!("{:?}", randomization_test(&a, &b, perms, seed).unwrap()), "{name}: deterministic");
        // Monte Carlo estimates of the exact p (all 2^n patterns, ties counted).
        let (n, exact, ranx) = (perms as f64, num(&case["exact_pvalue"]), num(&case["ranx_pvalue"]));
        assert!((r.p_value - exact).abs() <= mc_bound(exact, n), "{name}: {} vs exact {exact}", r.p_value);
        // ranx compares |Δmean| in floating point, so exact ties (tenths) are split by rounding
        // and its p is too small there; elsewhere it estimates the same p.
        if case["ties"] == Value::Bool(false) {
            assert!((ranx - exact).abs() <= mc_bound(exact, n), "{name}: ranx {ranx} vs exact {exact}");
        } else {
            assert!(ranx < exact - mc_bound(exact, n), "{name}: ranx {ranx} vs exact {exact}");
        }
        let other = randomization_test(&a, &b, perms, seed ^ 1).unwrap();
        assert!((other.p_value - r.p_value).abs() <= 2.0 * mc_bound(r.p_value, n), "{name}");
    }
}

#[test]
fn bad_input_is_an_error_naming_the_argument() {
    let arg = |r: crate::Result<PairedTTest>| r.unwrap_err().arg;
    assert_eq!(arg(paired_t_test(&[1.0, 2.0], &[1.0])), "b");
    assert_eq!(arg(paired_t_test(&[1.0], &[2.0])), "a");
    assert_eq!(arg(paired_t_test(&[], &[])), "a");
    assert_eq!(arg(paired_t_test(&[1.0, f64::NAN], &[1.0, 2.0])), "a");
    assert_eq!(arg(paired_t_test(&[1.0, 2.0], &[1.0, f64::INFINITY])), "b");
    assert_eq!(arg(paired_t_test(&[f64::MAX, 0.0], &[-f64::MAX, 0.0])), "b");
    assert_eq!(wilcoxon(&[1.0, 2.0, 3.0], &[1.0, 2.0]).unwrap_err().arg, "b");
    let e = randomization_test(&[1.0, 2.0], &[0.0, 0.0], 0, 7).unwrap_err();
    assert_eq!((e.arg, e.to_string().as_str()), ("permutations", "permutations: is 0; it must be at least 1"));
    assert_eq!(randomization_test(&[1.0], &[0.0], 10, 7).unwrap_err().arg, "a");
}

#[test]
fn numpy_summation_order() {
    // Values whose sum depends on the order: exact in pairs, not left to right.
    let x: Vec<f64> = (0..300).map(|i| if i % 2 == 0 { 1e16 } else { 1.0 }).collect();
    let left_to_right = x.iter().fold(0.0, |s, &v| s + v);
    assert_ne!(numpy_sum(&x), left_to_right);
    assert_eq!(numpy_sum(&x[..7]), x[..7].iter().fold(0.0, |s, &v| s + v));
}

#[test]
fn randomization_counts_ties_of_discrete_metrics() {
    // hits@K differences of 0 and ±1 and tenths: all sign patterns with equal exact sums tie.
    let a = [0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.0, 0.7];
    let b = [0.0, 0.1, 0.2, 0.0, 0.1, 0.2, 0.1, 0.6];
    let r = randomization_test(&a, &b, 20_000, 3).unwrap();
    // Exact: d = (0.1 ×7, −0.1), |Σ±d| ≥ 0.6 holds for 2·(C(8,0) + C(8,1)) = 18 of 256 patterns.
    let exact = 18.0 / 256.0;
    assert!((r.p_value - exact).abs() <= mc_bound(exact, 20_000.0), "{}", r.p_value);
}

#[test]
fn randomization_tiles_and_batches_do_not_change_the_count() {
    // 5000 queries: three tiles of the kernel and a partial last word; 70 patterns: three
    // batches. The count must be that of the plain definition, one pattern at a time.
    let a: Vec<f64> = (0..5000).map(|i| ((i * 7919) % 1000) as f64 / 1000.0).collect();
    let b: Vec<f64> = (0..5000).map(|i| ((i * 104_729 + 13) % 1000) as f64 / 1000.0).collect();
    let (perms, seed) = (70, 0xDEC0DEu64);
    let d: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x - y).collect();
    let words = d.len().div_ceil(64) as u64;
    let plain_sum = |flip: &dyn Fn(usize) -> bool| {
        let mut lanes = [0.0f64; 8];
        for (i, &x) in d.iter().enumerate() {
            lanes[i % 8] += if flip(i) { -x } else { x };
        }
        ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
    };
    let observed = plain_sum(&|_| false);
    let total_abs: f64 = {
        let mut lanes = [0.0f64; 8];
        d.iter().enumerate().for_each(|(i, x)| lanes[i % 8] += x.abs());
        ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
    };
    let threshold = observed.abs() - 2.0 * d.len() as f64 * f64::EPSILON * total_abs;
    let expected = (0..perms as u64)
        .filter(|&j| {
            let flip = |i: usize| (splitmix_for_bench(seed.wrapping_add(GOLDEN_STEP.wrapping_mul(j * words + i as u64 / 64 + 1))) >> (i % 64)) & 1 == 1;
            plain_sum(&flip).abs() >= threshold
        })
        .count();
    assert_eq!(randomization_test(&a, &b, perms, seed).unwrap().extreme, expected);
}

/// `cargo test -p reckit-core --release --lib significance -- --ignored --nocapture`
#[test]
#[ignore]
fn bench_paired_tests_on_1e5_queries() {
    use std::time::Instant;
    let n = 100_000;
    let mut state = 0x1234_5678u64;
    let mut uniform = || {
        state = state.wrapping_add(GOLDEN_STEP);
        (splitmix_for_bench(state) >> 11) as f64 / (1u64 << 53) as f64
    };
    let a: Vec<f64> = (0..n).map(|_| uniform()).collect();
    let b: Vec<f64> = a.iter().map(|&x| x - 0.0001 + 0.1 * (uniform() - 0.5)).collect();
    let time = |what: &str, f: &mut dyn FnMut() -> f64| {
        let mut best = f64::INFINITY;
        let mut p = 0.0;
        for _ in 0..5 {
            let t = Instant::now();
            p = f();
            best = best.min(t.elapsed().as_secs_f64() * 1e3);
        }
        println!("{what:<40} {best:>9.2} ms  (p = {p:.3e})");
    };
    time("paired t-test, 1e5 queries", &mut || paired_t_test(&a, &b).unwrap().p_value);
    time("Wilcoxon signed-rank, 1e5 queries", &mut || wilcoxon(&a, &b).unwrap().p_value);
    time("randomization, 1e5 queries, 10,000 perms", &mut || randomization_test(&a, &b, 10_000, 1).unwrap().p_value);
}

const GOLDEN_STEP: u64 = 0x9E37_79B9_7F4A_7C15;

fn splitmix_for_bench(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

