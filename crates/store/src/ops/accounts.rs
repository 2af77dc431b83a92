//! Accounts (Grow's clients, Pylon's accounts): look-ups, creation with an owner contact,
//! updates, owner changes and deletes.

use std::collections::HashMap;

use super::Conn;
use contacts_core::account::Address;
use contacts_core::validate::join_name;
use contacts_core::{
    Account, AccountChanges, AccountKey, AccountQuery, AccountSort, Conflict, Contact, ContactKey,
    CoreError, Entity, EventKind, ExternalId, NewAccount, NewContact, Order, Timestamp,
};
use diesel::prelude::*;

use super::contacts;
use super::events;
use super::sql;
use crate::error::db;
use crate::schema::{account_external_ids, accounts, contacts as contacts_table};
use crate::statement::Statement;

diesel::define_sql_function! {
    /// SQL's lower(), which both backends have.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = accounts)]
struct AccountRow {
    id: i64,
    uid: String,
    name: String,
    description: Option<String>,
    status: String,
    phone: Option<String>,
    website: Option<String>,
    vat: Option<String>,
    category_id: i64,
    billing_street: Option<String>,
    billing_city: Option<String>,
    billing_state: Option<String>,
    billing_zip: Option<String>,
    billing_country: Option<String>,
    invoice_due_days: Option<i64>,
    tags: String,
    domains: String,
    owner_contact_id: Option<i64>,
    created_at: String,
    updated_at: String,
}

/// The id of the account `key` names, if there is one.
pub fn resolve_account(conn: &mut Conn, key: &AccountKey) -> Result<Option<i64>, CoreError> {
    let live = || accounts::table.filter(accounts::deleted_at.is_null());
    let by_uid = |conn: &mut Conn, uid: &str| {
        live()
            .filter(accounts::uid.eq(uid))
            .select(accounts::id)
            .first::<i64>(conn)
            .optional()
            .map_err(db)
    };
    let by_external = |conn: &mut Conn, external: &str| {
        account_external_ids::table
            .filter(account_external_ids::external_id.eq(external))
            .select(account_external_ids::account_id)
            .first::<i64>(conn)
            .optional()
            .map_err(db)
    };
    match key {
        AccountKey::Id(id) => live()
            .filter(accounts::id.eq(id))
            .select(accounts::id)
            .first(conn)
            .optional()
            .map_err(db),
        AccountKey::Uid(uid) => by_uid(conn, uid),
        AccountKey::ExternalId(external) => by_external(conn, external),
        AccountKey::UidOrExternalId(text) => match by_uid(conn, text)? {
            Some(id) => Ok(Some(id)),
            None => by_external(conn, text),
        },
    }
}

/// The external ids of these accounts, in order, by account id.
#[derive(QueryableByName)]
#[diesel(table_name = account_external_ids)]
struct AccountExternalRow {
    account_id: i64,
    external_id: String,
    label: String,
}

pub fn external_ids_of(
    conn: &mut Conn,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<ExternalId>>, CoreError> {
    let mut external: HashMap<i64, Vec<ExternalId>> = HashMap::new();
    let rows: Vec<AccountExternalRow> = Statement::new(format!(
        "SELECT account_id, external_id, label FROM account_external_ids \
         WHERE account_id IN {} ORDER BY account_id, position",
        sql::ID_SET
    ))
    .bind_ids(ids)
    .load(conn)
    .map_err(db)?;
    for AccountExternalRow {
        account_id,
        external_id,
        label,
    } in rows
    {
        external
            .entry(account_id)
            .or_default()
            .push(ExternalId { external_id, label });
    }
    Ok(external)
}

fn json_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

fn to_json_list(items: &[String]) -> String {
    serde_json::Value::from(items.to_vec()).to_string()
}

fn load_accounts(conn: &mut Conn, rows: Vec<AccountRow>) -> Result<Vec<Account>, CoreError> {
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let owner_ids: Vec<i64> = rows.iter().filter_map(|row| row.owner_contact_id).collect();
    let mut externals = external_ids_of(conn, &ids)?;
    let owners: Vec<(i64, String, String)> = contacts_table::table
        .filter(contacts_table::id.eq_any(&owner_ids))
        .select((
            contacts_table::id,
            contacts_table::first_name,
            contacts_table::last_name,
        ))
        .load(conn)
        .map_err(db)?;
    Ok(rows
        .into_iter()
        .map(|row| Account {
            external_ids: externals.remove(&row.id).unwrap_or_default(),
            owner: row.owner_contact_id.and_then(|owner| {
                owners
                    .iter()
                    .find(|(id, _, _)| *id == owner)
                    .map(|(id, first, last)| (*id, join_name(first, last)))
            }),
            id: row.id,
            uid: row.uid,
            name: row.name,
            description: row.description,
            status: row.status,
            phone: row.phone,
            website: row.website,
            vat: row.vat,
            category_id: row.category_id,
            billing: Address {
                street: row.billing_street,
                city: row.billing_city,
                state: row.billing_state,
                zip: row.billing_zip,
                country: row.billing_country,
            },
            invoice_due_days: row.invoice_due_days,
            tags: json_list(&row.tags),
            domains: json_list(&row.domains),
            created_at: Timestamp::parse(&row.created_at).unwrap_or_else(Timestamp::now),
            updated_at: Timestamp::parse(&row.updated_at).unwrap_or_else(Timestamp::now),
        })
        .collect())
}

fn load_account(conn: &mut Conn, id: i64) -> Result<Account, CoreError> {
    let rows: Vec<AccountRow> = accounts::table
        .filter(accounts::id.eq(id))
        .select(AccountRow::as_select())
        .load(conn)
        .map_err(db)?;
    load_accounts(conn, rows)?
        .pop()
        .ok_or(CoreError::NotFound(Entity::Account))
}

/// Refuses external ids another account than `own` holds.
fn check_external_ids_free(
    conn: &mut Conn,
    external_ids: &[ExternalId],
    own: Option<i64>,
) -> Result<(), CoreError> {
    for external in external_ids {
        let holder: Option<(i64, String)> = account_external_ids::table
            .inner_join(accounts::table)
            .filter(account_external_ids::external_id.eq(&external.external_id))
            .select((accounts::id, accounts::uid))
            .first(conn)
            .optional()
            .map_err(db)?;
        if let Some((holder_id, existing_uid)) = holder {
            if Some(holder_id) != own {
                return Err(CoreError::Conflict(Conflict::AccountExternalIdTaken {
                    existing_uid,
                }));
            }
        }
    }
    Ok(())
}

fn insert_external_ids(
    conn: &mut Conn,
    account_id: i64,
    external_ids: &[ExternalId],
) -> Result<(), CoreError> {
    // An id sent twice is one id (the unique index would otherwise refuse the write).
    let external_ids = contacts::dedup_by(external_ids.to_vec(), |external| {
        external.external_id.clone()
    });
    let rows: Vec<_> = external_ids
        .iter()
        .enumerate()
        .map(|(position, external)| {
            (
                account_external_ids::account_id.eq(account_id),
                account_external_ids::position.eq(position as i32),
                account_external_ids::external_id.eq(&external.external_id),
                account_external_ids::label.eq(&external.label),
            )
        })
        .collect();
    diesel::insert_into(account_external_ids::table)
        .values(&rows)
        .execute(conn)
        .map_err(db)?;
    Ok(())
}

pub fn create(
    conn: &mut Conn,
    new: NewAccount,
    owner: Option<NewContact>,
) -> Result<(Account, Option<Contact>), CoreError> {
    check_external_ids_free(conn, &new.external_ids, None)?;
    let now = Timestamp::now().to_text();
    let id: i64 = diesel::insert_into(accounts::table)
        .values((
            accounts::uid.eq(uuid::Uuid::new_v4().to_string()),
            accounts::name.eq(&new.name),
            accounts::description.eq(&new.description),
            accounts::phone.eq(&new.phone),
            accounts::website.eq(&new.website),
            accounts::vat.eq(&new.vat),
            accounts::category_id.eq(new.category_id.unwrap_or(2)),
            accounts::billing_street.eq(&new.billing.street),
            accounts::billing_city.eq(&new.billing.city),
            accounts::billing_state.eq(&new.billing.state),
            accounts::billing_zip.eq(&new.billing.zip),
            accounts::billing_country.eq(&new.billing.country),
            accounts::invoice_due_days.eq(new.invoice_due_days),
            accounts::tags.eq(to_json_list(&new.tags)),
            accounts::domains.eq(to_json_list(&new.domains)),
            accounts::created_at.eq(&now),
            accounts::updated_at.eq(&now),
        ))
        .returning(accounts::id)
        .get_result(conn)
        .map_err(db)?;
    insert_external_ids(conn, id, &new.external_ids)?;
    let owner = match owner {
        Some(mut contact) => {
            contact.account = Some(AccountKey::Id(id));
            let contact_id = contacts::insert(conn, contact)?;
            diesel::update(accounts::table.find(id))
                .set(accounts::owner_contact_id.eq(contact_id))
                .execute(conn)
                .map_err(db)?;
            Some(contacts::load_one(conn, contact_id)?)
        }
        None => None,
    };
    Ok((load_account(conn, id)?, owner))
}

pub fn get(conn: &mut Conn, key: &AccountKey) -> Result<Account, CoreError> {
    let id = resolve_account(conn, key)?.ok_or(CoreError::NotFound(Entity::Account))?;
    load_account(conn, id)
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = accounts)]
struct AccountUpdate {
    name: Option<String>,
    description: Option<Option<String>>,
    phone: Option<Option<String>>,
    website: Option<Option<String>>,
    vat: Option<Option<String>>,
    category_id: Option<i64>,
    billing_street: Option<Option<String>>,
    billing_city: Option<Option<String>>,
    billing_state: Option<Option<String>>,
    billing_zip: Option<Option<String>>,
    billing_country: Option<Option<String>>,
    invoice_due_days: Option<Option<i64>>,
    tags: Option<String>,
    status: Option<String>,
    domains: Option<String>,
    updated_at: Option<String>,
}

pub fn update(
    conn: &mut Conn,
    key: &AccountKey,
    changes: AccountChanges,
) -> Result<Account, CoreError> {
    let id = resolve_account(conn, key)?.ok_or(CoreError::NotFound(Entity::Account))?;
    let billing = changes.billing;
    let update = AccountUpdate {
        name: changes.name,
        description: changes.description,
        phone: changes.phone,
        website: changes.website,
        vat: changes.vat,
        category_id: changes.category_id,
        billing_street: billing.as_ref().map(|b| b.street.clone()),
        billing_city: billing.as_ref().map(|b| b.city.clone()),
        billing_state: billing.as_ref().map(|b| b.state.clone()),
        billing_zip: billing.as_ref().map(|b| b.zip.clone()),
        billing_country: billing.as_ref().map(|b| b.country.clone()),
        invoice_due_days: changes.invoice_due_days,
        tags: changes.tags.as_deref().map(to_json_list),
        status: changes.status,
        domains: changes.domains.as_deref().map(to_json_list),
        updated_at: Some(Timestamp::now().to_text()),
    };
    if let Some(external_ids) = &changes.external_ids {
        check_external_ids_free(conn, external_ids, Some(id))?;
        diesel::delete(account_external_ids::table.filter(account_external_ids::account_id.eq(id)))
            .execute(conn)
            .map_err(db)?;
        insert_external_ids(conn, id, external_ids)?;
    }
    diesel::update(accounts::table.find(id))
        .set(&update)
        .execute(conn)
        .map_err(db)?;
    load_account(conn, id)
}

/// Tombstones the account and its live contacts: the account leaves every look-up and list,
/// its external ids are freed, and each contact is deleted as a contact delete would.
pub fn delete(conn: &mut Conn, key: &AccountKey) -> Result<Account, CoreError> {
    let id = resolve_account(conn, key)?.ok_or(CoreError::NotFound(Entity::Account))?;
    let before = load_account(conn, id)?;
    let members: Vec<i64> = contacts_table::table
        .filter(contacts_table::account_id.eq(id))
        .filter(contacts_table::deleted_at.is_null())
        .select(contacts_table::id)
        .load(conn)
        .map_err(db)?;
    // Each contact's event shows it as it was, as a contact delete's does.
    for member in &members {
        let before = contacts::load_one(conn, *member)?;
        events::contact(conn, EventKind::ContactDeleted, &before)?;
    }
    contacts::tombstone_all(conn, &members)?;
    events::account(conn, EventKind::AccountDeleted, &before)?;
    let now = Timestamp::now().to_text();
    diesel::update(accounts::table.find(id))
        .set((
            accounts::deleted_at.eq(Some(&now)),
            accounts::updated_at.eq(&now),
            accounts::status.eq("deleted"),
            accounts::owner_contact_id.eq(None::<i64>),
        ))
        .execute(conn)
        .map_err(db)?;
    diesel::delete(account_external_ids::table.filter(account_external_ids::account_id.eq(id)))
        .execute(conn)
        .map_err(db)?;
    Ok(before)
}

/// Makes `owner` the account's owner; it must be a live contact of this account.
pub fn set_owner(
    conn: &mut Conn,
    key: &AccountKey,
    owner: &ContactKey,
) -> Result<Account, CoreError> {
    let id = resolve_account(conn, key)?.ok_or(CoreError::NotFound(Entity::Account))?;
    let contact_id = match contacts::resolve(conn, owner) {
        Ok(contact_id) => contact_id,
        Err(CoreError::NotFound(_)) => {
            return Err(CoreError::Conflict(Conflict::OwnerNotInAccount))
        }
        Err(err) => return Err(err),
    };
    let member_of: Option<i64> = contacts_table::table
        .find(contact_id)
        .select(contacts_table::account_id)
        .first(conn)
        .map_err(db)?;
    if member_of != Some(id) {
        return Err(CoreError::Conflict(Conflict::OwnerNotInAccount));
    }
    contacts::set_account_owner(conn, &ContactKey::Id(contact_id))?;
    load_account(conn, id)
}

pub fn list(conn: &mut Conn, query: &AccountQuery) -> Result<(Vec<Account>, u64), CoreError> {
    // The same filters twice: once to count, once for the page.
    let filtered = || {
        let mut boxed = accounts::table
            .filter(accounts::deleted_at.is_null())
            .into_boxed();
        if let Some(status) = &query.status {
            boxed = boxed.filter(accounts::status.eq(status.clone()));
        }
        if let Some(category_id) = query.category_id {
            boxed = boxed.filter(accounts::category_id.eq(category_id));
        }
        if let Some(search) = &query.search {
            let escaped: String = search
                .chars()
                .flat_map(|ch| {
                    if matches!(ch, '%' | '_' | '\\') {
                        vec!['\\', ch]
                    } else {
                        vec![ch]
                    }
                })
                .collect();
            // lower() on both sides: LIKE ignores case on SQLite and not on PostgreSQL.
            boxed = boxed.filter(
                lower(accounts::name)
                    .like(format!("%{}%", escaped.to_lowercase()))
                    .escape('\\'),
            );
        }
        if let Some(after_id) = query.after_id {
            boxed = boxed.filter(accounts::id.gt(after_id));
        }
        boxed
    };
    let total: i64 = filtered().count().get_result(conn).map_err(db)?;
    let mut page = filtered().select(AccountRow::as_select());
    page = match (query.sort, query.order) {
        (AccountSort::Id, Order::Asc) => page.order(accounts::id.asc()),
        (AccountSort::Id, Order::Desc) => page.order(accounts::id.desc()),
        (AccountSort::Name, Order::Asc) => page.order((accounts::name.asc(), accounts::id.asc())),
        (AccountSort::Name, Order::Desc) => {
            page.order((accounts::name.desc(), accounts::id.desc()))
        }
        (AccountSort::Status, Order::Asc) => {
            page.order((accounts::status.asc(), accounts::id.asc()))
        }
        (AccountSort::Status, Order::Desc) => {
            page.order((accounts::status.desc(), accounts::id.desc()))
        }
        (AccountSort::CreatedAt, Order::Asc) => {
            page.order((accounts::created_at.asc(), accounts::id.asc()))
        }
        (AccountSort::CreatedAt, Order::Desc) => {
            page.order((accounts::created_at.desc(), accounts::id.desc()))
        }
        (AccountSort::UpdatedAt, Order::Asc) => {
            page.order((accounts::updated_at.asc(), accounts::id.asc()))
        }
        (AccountSort::UpdatedAt, Order::Desc) => {
            page.order((accounts::updated_at.desc(), accounts::id.desc()))
        }
    };
    let rows = page
        .limit(i64::from(query.limit))
        .offset(i64::try_from(query.offset).unwrap_or(i64::MAX))
        .load(conn)
        .map_err(db)?;
    Ok((
        load_accounts(conn, rows)?,
        u64::try_from(total).unwrap_or(0),
    ))
}
