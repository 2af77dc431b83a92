//! Diesel's view of the tables created by `migrations/sqlite`.

diesel::table! {
    accounts (id) {
        id -> BigInt,
        uid -> Text,
        name -> Text,
        description -> Nullable<Text>,
        status -> Text,
        phone -> Nullable<Text>,
        website -> Nullable<Text>,
        vat -> Nullable<Text>,
        category_id -> BigInt,
        billing_street -> Nullable<Text>,
        billing_city -> Nullable<Text>,
        billing_state -> Nullable<Text>,
        billing_zip -> Nullable<Text>,
        billing_country -> Nullable<Text>,
        invoice_due_days -> Nullable<BigInt>,
        tags -> Text,
        domains -> Text,
        owner_contact_id -> Nullable<BigInt>,
        created_at -> Text,
        updated_at -> Text,
        deleted_at -> Nullable<Text>,
    }
}

diesel::table! {
    account_external_ids (account_id, position) {
        account_id -> BigInt,
        position -> Integer,
        external_id -> Text,
        label -> Text,
    }
}

diesel::table! {
    contacts (id) {
        id -> BigInt,
        uid -> Text,
        first_name -> Text,
        last_name -> Text,
        name_key -> Text,
        email -> Nullable<Text>,
        email_key -> Nullable<Text>,
        phone -> Nullable<Text>,
        job_position -> Nullable<Text>,
        status -> Text,
        account_id -> Nullable<BigInt>,
        role_id -> Integer,
        portal_role -> Nullable<Text>,
        portal_role_id -> Nullable<Text>,
        avatar_url -> Nullable<Text>,
        social_facebook -> Nullable<Text>,
        social_twitter -> Nullable<Text>,
        social_linkedin -> Nullable<Text>,
        social_github -> Nullable<Text>,
        social_dribbble -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        source -> Text,
        created_at -> Text,
        updated_at -> Text,
        deleted_at -> Nullable<Text>,
    }
}

diesel::table! {
    contact_emails (contact_id, position) {
        contact_id -> BigInt,
        position -> Integer,
        email -> Text,
        email_key -> Text,
    }
}

diesel::table! {
    contact_phones (contact_id, position) {
        contact_id -> BigInt,
        position -> Integer,
        phone -> Text,
    }
}

diesel::table! {
    contact_external_ids (contact_id, position) {
        contact_id -> BigInt,
        position -> Integer,
        external_id -> Text,
        label -> Text,
    }
}

diesel::table! {
    contact_attributes (contact_id, key, position) {
        contact_id -> BigInt,
        key -> Text,
        position -> Integer,
        kind -> Text,
        value -> Text,
    }
}

diesel::table! {
    api_keys (id) {
        id -> BigInt,
        name -> Text,
        key_hash -> Text,
        read_only -> Bool,
        created_at -> Text,
        revoked_at -> Nullable<Text>,
        rate_limit_per_second -> Nullable<Integer>,
        rate_limit_burst -> Nullable<Integer>,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        recipient -> Text,
        subject -> Text,
        body -> Text,
        created_at -> Text,
        sent_at -> Nullable<Text>,
        attempts -> Integer,
        next_attempt_at -> Nullable<Text>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    import_runs (id) {
        id -> BigInt,
        source -> Text,
        started_at -> Text,
        finished_at -> Text,
        dry_run -> Bool,
        applied -> Bool,
        created -> BigInt,
        updated -> BigInt,
        unchanged -> BigInt,
        deleted -> BigInt,
        rejected -> BigInt,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        kind -> Text,
        origin -> Text,
        occurred_at -> Text,
        data -> Text,
        tx -> BigInt,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Text,
        url -> Text,
        secret -> Text,
        event_types -> Text,
        created_at -> Text,
        last_position -> BigInt,
        attempts -> Integer,
        next_attempt_at -> Nullable<Text>,
        failed -> BigInt,
        last_error -> Nullable<Text>,
        last_tx -> BigInt,
    }
}

diesel::table! {
    idempotency_keys (api_key, key) {
        api_key -> Text,
        key -> Text,
        fingerprint -> Text,
        state -> Text,
        lease_until -> Text,
        status -> Nullable<Integer>,
        location -> Nullable<Text>,
        body -> Nullable<Text>,
        created_at -> Text,
    }
}

diesel::joinable!(account_external_ids -> accounts (account_id));
diesel::joinable!(contacts -> accounts (account_id));
diesel::joinable!(contact_emails -> contacts (contact_id));
diesel::joinable!(contact_phones -> contacts (contact_id));
diesel::joinable!(contact_external_ids -> contacts (contact_id));
diesel::joinable!(contact_attributes -> contacts (contact_id));

diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    account_external_ids,
    contacts,
    contact_emails,
    contact_phones,
    contact_external_ids,
    contact_attributes,
);
