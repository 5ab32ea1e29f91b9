use super::*;

#[test]
fn medians() {
    assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
    assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
    assert!(median(&mut []).is_nan());
}

#[test]
fn verdicts() {
    assert_eq!(met(true), "yes");
    assert_eq!(met(false), "**no**");
}
