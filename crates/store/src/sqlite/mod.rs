//! The SQLite engine, the embedded default: one file and one `serve` process (other processes
//! may write; the watcher notices). Its pool and pragmas, its group-commit writer, the watcher
//! of other processes' commits, online backups, the disk-space check, and the SQL only SQLite
//! speaks, named in `sql`.

pub mod backup;
#[path = "../directory.rs"]
mod directory;
pub mod ops;
pub mod pool;
pub mod space;
pub mod sql;
pub mod store;
pub mod watch;
pub mod writer;

pub use store::Store;
