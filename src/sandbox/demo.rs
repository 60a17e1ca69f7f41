//! The demo project the sandbox starts with when no seed is given. `fixtures/demo/*.xml` report
//! tests against these cases, and `testrail-report demo` submits them; change both together.
//!
//! Project 1 "Demo" (single suite, suite 1 "Master"), milestone 1 "Release 1.0", configuration
//! group "Browsers" (1 Chrome, 2 Firefox), custom status 6 `skipped`, user 1 demo@example.com:
//!
//! | section | cases |
//! |---|---|
//! | 1 Authentication | C1..C4 (`tests.test_auth.*`, pytest) |
//! | 2 Shopping cart | C5..C8 (`com.example.shop.CartTest.*`, Maven Surefire) |
//! | 3 Checkout | C9..C12 (`com.example.shop.CheckoutTest.*`, Maven Surefire) |

use super::seed::Seed;

/// Cases of the demo project: (section, title, automation ID), IDs 1..=12 in this order.
pub const DEMO_CASES: [(&str, &str, &str); 12] = [
    (
        "Authentication",
        "Log in with valid credentials",
        "tests.test_auth.test_login_valid",
    ),
    (
        "Authentication",
        "Wrong password is refused",
        "tests.test_auth.test_login_wrong_password",
    ),
    (
        "Authentication",
        "Log out ends the session",
        "tests.test_auth.test_logout",
    ),
    (
        "Authentication",
        "Password reset sends an e-mail",
        "tests.test_auth.test_password_reset",
    ),
    (
        "Shopping cart",
        "Add an item to the cart",
        "com.example.shop.CartTest.addsItem",
    ),
    (
        "Shopping cart",
        "Remove an item from the cart",
        "com.example.shop.CartTest.removesItem",
    ),
    (
        "Shopping cart",
        "Cart total includes VAT",
        "com.example.shop.CartTest.totalIncludesVat",
    ),
    (
        "Shopping cart",
        "Empty cart shows a hint",
        "com.example.shop.CartTest.emptyCartHint",
    ),
    (
        "Checkout",
        "Pay by card",
        "com.example.shop.CheckoutTest.paysByCard",
    ),
    (
        "Checkout",
        "Declined card shows an error",
        "com.example.shop.CheckoutTest.declinedCard",
    ),
    (
        "Checkout",
        "Order confirmation e-mail",
        "com.example.shop.CheckoutTest.confirmationEmail",
    ),
    (
        "Checkout",
        "Guest checkout",
        "com.example.shop.CheckoutTest.guestCheckout",
    ),
];

impl Seed {
    /// The documented demo project (see the module docs).
    pub fn demo() -> Seed {
        let mut seed = Seed::empty();
        seed.custom_status(6, "skipped");
        let project = seed.project("Demo", 1);
        project
            .milestone("Release 1.0")
            .config_group("Browsers", &["Chrome", "Firefox"]);
        let suite = project.suite("Master");
        for name in ["Authentication", "Shopping cart", "Checkout"] {
            let section = suite.section(name);
            for (_, title, auto) in DEMO_CASES.iter().filter(|(s, _, _)| *s == name) {
                section.case(title, Some(auto));
            }
        }
        seed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    /// Every `C<id>` the demo reports name must be a demo case, or the demo would show
    /// "unknown case" instead of a clean run.
    #[test]
    fn demo_reports_only_reference_demo_cases() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
        let case_ref = Regex::new(r#"(?:_|"|\b)C(\d+)\b"#).unwrap();
        let mut seen = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for cap in case_ref.captures_iter(&text) {
                seen.push(cap[1].parse::<usize>().unwrap());
            }
        }
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen, (1..=9).collect::<Vec<_>>());
        assert!(seen.iter().all(|id| *id <= DEMO_CASES.len()));
    }
}
