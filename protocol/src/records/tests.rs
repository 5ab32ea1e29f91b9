use super::*;

#[test]
fn members_read_missing_as_defaults_and_report_the_first_wrong_type() {
    let value =
        json::parse(r#"{"s":"x","n":3,"b":true,"l":["a"],"null":null,"bad":1.5,"worse":"x"}"#)
            .expect("valid");
    let mut m = Members::of(value, "test").expect("an object");
    assert_eq!(m.string("s"), "x");
    assert_eq!(m.number("n"), 3);
    assert!(m.flag("b"));
    assert_eq!(m.strings("l"), ["a"]);
    assert_eq!(m.optional_string("null"), None);
    assert_eq!(m.string("missing"), "");
    assert_eq!(m.number("missing"), 0);
    assert!(!m.flag("missing"));
    assert!(m.strings("missing").is_empty());
    assert_eq!(m.number("bad"), 0, "a wrong type reads as the default");
    assert!(!m.flag("worse"));
    assert_eq!(
        m.done(()),
        Err(ShapeError::Member {
            name: "bad",
            expected: "a whole number"
        })
    );
    assert!(Members::of(Json::Array(Vec::new()), "test").is_err());
    assert_eq!(
        ShapeError::Member {
            name: "rules",
            expected: "a list"
        }
        .to_string(),
        "`rules` must be a list"
    );
}
