//! RFC 4231, Wycheproof and the project's identity vectors, run through the
//! public API.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::SystemTime;

use common::{hex_field, load_vectors, str_field};
use pexelize_identity::{
    Code, Keyring, SecurityKey, generate_identity_signature, parse_rfc3339, verify,
};

#[test]
fn rfc4231_cases() {
    let document = load_vectors("rfc4231_hmac_sha256.json");
    let tests = document["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 7);
    for case in tests {
        let key = hex_field(case, "key");
        let data = hex_field(case, "data");
        let expected = str_field(case, "mac");
        let signature = generate_identity_signature(&data, &key).unwrap();
        assert!(
            signature.as_str().starts_with(expected),
            "RFC 4231 case {} gave {}",
            case["case"],
            signature.as_str()
        );
        if case["truncated"] == false {
            assert_eq!(verify(&data, expected.as_bytes(), &key), Ok(()));
        }
    }
}

#[test]
fn wycheproof_full_length_tags() {
    let document = load_vectors("hmac_sha256_test.json");
    let mut checked = 0;
    for group in document["testGroups"].as_array().unwrap() {
        if group["tagSize"] != 256 {
            continue;
        }
        for case in group["tests"].as_array().unwrap() {
            let key = hex_field(case, "key");
            let message = hex_field(case, "msg");
            let tag = str_field(case, "tag");
            let valid = str_field(case, "result") == "valid";
            let outcome = verify(&message, tag.as_bytes(), &key);
            if message.is_empty() {
                // An identity with an empty user ID is missing, whatever its tag.
                assert_eq!(outcome.unwrap_err().code(), Code::IdentityMissing);
                if valid {
                    assert_eq!(
                        generate_identity_signature(&message, &key)
                            .unwrap()
                            .as_str(),
                        tag
                    );
                }
            } else if valid {
                assert_eq!(outcome, Ok(()), "Wycheproof tcId {}", case["tcId"]);
                assert_eq!(
                    generate_identity_signature(&message, &key)
                        .unwrap()
                        .as_str(),
                    tag
                );
            } else {
                let code = outcome.expect_err("an invalid tag verified").code();
                assert_eq!(
                    code,
                    Code::VerificationFailed,
                    "Wycheproof tcId {}",
                    case["tcId"]
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 87);
}

#[test]
fn identity_signatures() {
    let document = load_vectors("identity.json");
    let keys = &document["keys"];
    let cases = document["signatures"].as_array().unwrap();
    assert!(cases.len() > 100);
    for case in cases {
        let key = hex_field(keys, str_field(case, "key"));
        let user_id = hex_field(case, "userIdHex");
        if let Some(text) = case["userId"].as_str() {
            assert_eq!(text.as_bytes(), user_id.as_slice());
        }
        let expected = str_field(case, "signature");
        let signature = SecurityKey::new(&key).unwrap().sign(&user_id);
        assert_eq!(
            signature, expected,
            "key {} user ID {}",
            case["key"], case["userIdHex"]
        );
        assert_eq!(verify(&user_id, expected.as_bytes(), &key), Ok(()));
    }
}

#[test]
fn identity_integer_signatures_as_text() {
    let document = load_vectors("identity.json");
    let keys = &document["keys"];
    for case in document["integerSignatures"].as_array().unwrap() {
        let key = hex_field(keys, str_field(case, "key"));
        let text = match &case["userIdInteger"] {
            serde_json::Value::Number(number) => number.to_string(),
            _ => str_field(case, "userIdBigInteger").to_owned(),
        };
        let signature = generate_identity_signature(text.as_bytes(), &key).unwrap();
        assert_eq!(signature.as_str(), str_field(case, "signature"));
    }
}

fn keyring_from_vectors(document: &serde_json::Value) -> Keyring {
    let keys = &document["keys"];
    let spec = &document["keyring"];
    let key = |name: &serde_json::Value| hex_field(keys, name.as_str().unwrap());
    let mut keyring = Keyring::new(SecurityKey::new(&key(&spec["current"])).unwrap()).unwrap();
    for previous in spec["previous"].as_array().unwrap() {
        let until = parse_rfc3339(str_field(previous, "acceptUntil"), "acceptUntil").unwrap();
        let secret = SecurityKey::new(&key(&previous["key"])).unwrap();
        keyring
            .add_previous(secret.with_accept_until(until))
            .unwrap();
    }
    for retired in spec["retired"].as_array().unwrap() {
        keyring
            .add_retired(SecurityKey::new(&key(retired)).unwrap())
            .unwrap();
    }
    keyring
}

#[test]
fn identity_verify_cases() {
    let document = load_vectors("identity.json");
    let keyring = keyring_from_vectors(&document);
    for case in document["verify"].as_array().unwrap() {
        let name = str_field(case, "name");
        let now: SystemTime = parse_rfc3339(str_field(case, "now"), "now").unwrap();
        let user_id = str_field(case, "userId").as_bytes();
        let signature = str_field(case, "signature").as_bytes();
        let expected = &case["expected"];
        let outcome = keyring.verify_at(user_id, signature, now);
        if expected["valid"] == true {
            let verified = outcome.unwrap_or_else(|error| panic!("{name}: {error}"));
            assert_eq!(verified.key_id, str_field(expected, "keyId"), "{name}");
        } else {
            let error = outcome.expect_err(name);
            assert_eq!(error.code().as_str(), str_field(expected, "code"), "{name}");
            if let Some(detail) = expected["detail"].as_str() {
                match error {
                    pexelize_identity::Error::VerificationFailed(reason) => {
                        assert_eq!(reason.as_str(), detail, "{name}");
                    }
                    other => panic!("{name}: expected a failure, got {other:?}"),
                }
            }
        }
    }
}
