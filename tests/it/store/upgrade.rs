//! Upgrades: the current server starts on a database made by the previous release's migrations, applies the new
//! ones forward, and keeps everything stored — on every backend. Migrations only ever run forward
//! (docs/operations.md, "Upgrades").
use crate::common::*;
use migration::{Migrator, MigratorTrait};
use sea_orm::sea_query::{Alias, Query};
use sea_orm::{ConnectionTrait, Database};

/// The last migration the previous release shipped (wave 2, session 8). Move it when a release is cut.
const PREVIOUS_RELEASE: &str = "m20261207_000029_temporary_access_pass";

#[tokio::test]
async fn the_current_server_starts_on_the_previous_releases_database_and_keeps_its_data() {
    for db in TestDb::all().await {
        let steps = Migrator::migrations()
            .iter()
            .position(|m| m.name() == PREVIOUS_RELEASE)
            .expect("the previous release's last migration is still listed (migrations are never removed)")
            + 1;
        let conn = Database::connect(&db.url).await.unwrap();
        Migrator::up(&conn, Some(steps as u32)).await.unwrap();
        let applied = Migrator::get_applied_migrations(&conn).await.unwrap();
        assert_eq!(applied.last().unwrap().name(), PREVIOUS_RELEASE);
        assert!(
            !Migrator::get_pending_migrations(&conn).await.unwrap().is_empty(),
            "this release adds migrations"
        );

        // A user as the previous release stored one: the columns of that schema, written as plain SQL.
        let now = chrono::Utc::now();
        let hash = gatehouse::core::factors::password::hash(GOOD_PASSWORD).unwrap();
        let backend = conn.get_database_backend();
        let user = Query::insert()
            .into_table(Alias::new("users"))
            .columns(
                [
                    "id",
                    "username",
                    "email",
                    "email_normalized",
                    "display_name",
                    "status",
                    "password_hash",
                    "password_changed_at",
                    "mfa_required",
                    "created_at",
                    "updated_at",
                ]
                .map(Alias::new),
            )
            .values_panic([
                "00000000-0000-4000-8000-000000000001".into(),
                "olga".into(),
                "olga@example.com".into(),
                "olga@example.com".into(),
                "Olga Old".into(),
                "active".into(),
                hash.into(),
                now.into(),
                false.into(),
                now.into(),
                now.into(),
            ])
            .to_owned();
        conn.execute_raw(backend.build(&user)).await.unwrap();
        let role = Query::insert()
            .into_table(Alias::new("user_roles"))
            .columns(["user_id", "role_name", "created_at"].map(Alias::new))
            .values_panic(["00000000-0000-4000-8000-000000000001".into(), "user".into(), now.into()])
            .to_owned();
        conn.execute_raw(backend.build(&role)).await.unwrap();
        conn.close().await.unwrap();

        // The current server on it: every newer migration applied, the old user signs in, new settings default.
        let server = TestServer::start_on(&db.url, None).await;
        let browser = server.browser();
        assert_eq!(browser.login("olga", GOOD_PASSWORD).await.status, 303);
        let store = server.state().store.as_ref();
        let policies = store.role_policies().await.unwrap();
        assert!(
            policies.iter().all(|p| p.recovery.paths.is_none()),
            "roles of the previous release keep the built-in recovery defaults"
        );
        let conn = Database::connect(&db.url).await.unwrap();
        assert!(Migrator::get_pending_migrations(&conn).await.unwrap().is_empty());
        assert_eq!(
            Migrator::get_applied_migrations(&conn).await.unwrap().len(),
            Migrator::migrations().len()
        );
        conn.close().await.unwrap();
    }
}
