//! contacts-bench: the instruments behind `bench/run` — seeding a database through the store's
//! bulk path, the bare actix handler that bounds what HTTP alone can do here, the raw SQLite
//! rates that bound what the store alone can do, and the in-process ceilings of the reads.

pub mod ceiling;

use std::collections::BTreeMap;

use contacts_core::{AttributeValue, ExternalId, NewContact};

const FIRST_NAMES: [&str; 20] = [
    "Ada", "Alan", "Barbara", "Claude", "Dennis", "Donald", "Edsger", "Frances", "Grace", "Guido",
    "Hedy", "John", "Ken", "Linus", "Margaret", "Niklaus", "Radia", "Rob", "Tim", "Yukihiro",
];
const LAST_NAMES: [&str; 10] = [
    "Lovelace", "Turing", "Liskov", "Shannon", "Ritchie", "Knuth", "Dijkstra", "Allen", "Hopper",
    "Hamilton",
];
const DEPARTMENTS: [&str; 8] = [
    "Sales",
    "Support",
    "Engineering",
    "Finance",
    "Legal",
    "Marketing",
    "Operations",
    "Research",
];

/// The seeded contact number `n` (from 0): unique email, phone and external id, two attributes.
pub fn seeded_contact(n: u64) -> NewContact {
    let first = FIRST_NAMES[(n % 20) as usize];
    let last = format!("{}{}", LAST_NAMES[((n / 20) % 10) as usize], n);
    let mut contact = NewContact::named(first, last);
    contact.email = Some(format!("user{n}@example{}.com", n % 100));
    contact.phones = vec![format!("1555{n:07}")];
    contact.external_ids = vec![ExternalId {
        external_id: format!("EXT-{n}"),
        label: "seed".into(),
    }];
    contact.attributes = BTreeMap::from([
        (
            "department".to_owned(),
            AttributeValue::Text(DEPARTMENTS[(n % 8) as usize].to_owned()),
        ),
        (
            "level".to_owned(),
            AttributeValue::Number(serde_json::Number::from(n % 10)),
        ),
    ]);
    contact
}

/// One fixed contact, as the bare handler answers it (the size of a Grow contact).
pub fn fixed_contact_json() -> String {
    serde_json::json!({
        "data": {
            "id": 45, "first_name": "Jane", "last_name": "Doe", "name": "Jane Doe",
            "email": "jane@acme.example", "phone": "+1 555 0100", "job_position": "Procurement Lead",
            "account_owner": "no", "status": "active", "client": {"id": 12, "company_name": "Acme Inc"},
            "role": {"id": 2, "name": "Client"},
            "social": {"facebook": null, "twitter": null, "linkedin": null, "github": null, "dribbble": null},
            "dates": {"created": "2026-06-15T09:30:00.000000Z", "updated": "2026-06-15T09:30:00.000000Z"}
        },
        "message": "Contact retrieved successfully."
    })
    .to_string()
}
