use super::*;

#[test]
fn members_read_missing_as_defaults_and_wrong_types_as_errors() {
    let value =
        json::parse(r#"{"s":"x","n":3,"b":true,"l":["a"],"null":null,"bad":1.5}"#).expect("valid");
    let mut m = Members::of(value, "test").expect("an object");
    assert_eq!(m.string("s"), Ok("x".to_owned()));
    assert_eq!(m.number("n"), Ok(3));
    assert_eq!(m.flag("b"), Ok(true));
    assert_eq!(m.strings("l"), Ok(vec!["a".to_owned()]));
    assert_eq!(m.optional_string("null"), Ok(None));
    assert_eq!(m.string("missing"), Ok(String::new()));
    assert_eq!(m.number("missing"), Ok(0));
    assert_eq!(m.flag("missing"), Ok(false));
    assert_eq!(m.strings("missing"), Ok(Vec::new()));
    assert_eq!(
        m.number("bad"),
        Err(ShapeError::Member {
            name: "bad".into(),
            expected: "a whole number"
        })
    );
    assert!(Members::of(Json::Array(Vec::new()), "test").is_err());
    assert_eq!(
        ShapeError::Member {
            name: "rules".into(),
            expected: "a list"
        }
        .to_string(),
        "`rules` must be a list"
    );
}
