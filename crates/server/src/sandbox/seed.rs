//! `POST /_sandbox/seed`: realistic contacts and accounts from the `fake` crate, the same ones
//! for the same seed, written through the store's bulk path. Names of one and several words,
//! emails, phones as people write them, attributes of every kind, external ids, and accounts
//! each owned by its first contact.

use std::collections::BTreeMap;

use contacts_core::{AttributeValue, ExternalId, NewContact};
use fake::faker::company::en::{CompanyName, Industry};
use fake::faker::job::en::Field;
use fake::faker::lorem::en::Word;
use fake::faker::name::en::{FirstName, LastName};
use fake::Fake;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The most contacts one seed may add.
pub const MAX_CONTACTS: u32 = 100_000;
/// Contacts per account, on average.
const PER_ACCOUNT: u32 = 20;

/// A phone in one of the forms people write, by the store's rule.
fn phone(rng: &mut StdRng) -> String {
    let line: u32 = rng.gen_range(0..10_000);
    match rng.gen_range(0..5) {
        0 => format!("+1 555 01{:02}", line % 100),
        1 => format!("(555) 010-{line:04}"),
        2 => format!("555-01{:02} ext. {}", line % 100, rng.gen_range(1..100)),
        3 => format!("+44 20 7946 {line:04}"),
        _ => format!("+49 30 {:07}", rng.gen_range(0..10_000_000)),
    }
}

/// Letters and digits only, lowercased: a name as an email's local part or a domain label.
fn slug(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Accounts by name, and contacts each with its account's index.
pub fn directory(contacts: u32, seed: u64) -> (Vec<String>, Vec<(NewContact, Option<usize>)>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let account_count = contacts.div_ceil(PER_ACCOUNT).max(1) as usize;
    let accounts: Vec<String> = (0..account_count)
        .map(|_| CompanyName().fake_with_rng::<String, _>(&mut rng))
        .collect();
    let domains: Vec<String> = accounts
        .iter()
        .enumerate()
        .map(|(index, name)| format!("{}{index}.example", slug(name)))
        .collect();
    let people = (0..contacts as usize)
        .map(|index| {
            let first: String = FirstName().fake_with_rng(&mut rng);
            // One word in ten, two-word last names in ten.
            let last: String = match rng.gen_range(0..10) {
                0 => String::new(),
                1 => format!(
                    "{} {}",
                    LastName().fake_with_rng::<String, _>(&mut rng),
                    LastName().fake_with_rng::<String, _>(&mut rng)
                ),
                _ => LastName().fake_with_rng(&mut rng),
            };
            let account = (rng.gen_range(0..10) < 9).then(|| rng.gen_range(0..account_count));
            let domain = account.map_or("mail.example", |at| domains[at].as_str());
            let mut contact = NewContact::named(first.clone(), last.clone());
            let local: Vec<String> = [slug(&first), slug(&last), index.to_string()]
                .into_iter()
                .filter(|part| !part.is_empty())
                .collect();
            contact.email = Some(format!("{}@{domain}", local.join(".")));
            if rng.gen_range(0..4) > 0 {
                contact.phones = vec![phone(&mut rng)];
            }
            if rng.gen_range(0..10) < 7 {
                contact.external_ids = vec![ExternalId {
                    external_id: format!("SEED-{seed}-{index}"),
                    label: "seed".into(),
                }];
            }
            let mut attributes = BTreeMap::new();
            attributes.insert(
                "department".to_owned(),
                AttributeValue::Text(Industry().fake_with_rng(&mut rng)),
            );
            attributes.insert(
                "level".to_owned(),
                AttributeValue::Number(serde_json::Number::from(rng.gen_range(1..10))),
            );
            attributes.insert("remote".to_owned(), AttributeValue::Bool(rng.gen_bool(0.4)));
            attributes.insert(
                "skills".to_owned(),
                AttributeValue::List(
                    (0..rng.gen_range(1..4))
                        .map(|_| Word().fake_with_rng::<String, _>(&mut rng))
                        .collect(),
                ),
            );
            attributes.insert(
                "field".to_owned(),
                AttributeValue::Text(Field().fake_with_rng(&mut rng)),
            );
            contact.attributes = attributes;
            (contact, account)
        })
        .collect();
    (accounts, people)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_makes_the_same_directory_and_every_phone_is_valid() {
        let (accounts, people) = directory(200, 7);
        assert_eq!(accounts.len(), 10);
        assert_eq!(directory(200, 7).1, people);
        assert_ne!(directory(200, 8).1, people);
        assert!(people
            .iter()
            .any(|(contact, _)| contact.last_name.is_empty()));
        assert!(people
            .iter()
            .any(|(contact, _)| contact.last_name.contains(' ')));
        for (contact, _) in &people {
            for phone in &contact.phones {
                assert!(contacts_core::phone::is_valid_phone(phone), "{phone}");
            }
            let email = contact.email.as_deref().unwrap_or("");
            assert!(contacts_core::validate::is_valid_email(email), "{email}");
        }
    }
}
