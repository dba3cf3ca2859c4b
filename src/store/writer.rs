//! One writer: the store lives on its own thread; async code sends it work and awaits the
//! answer, so SQLite never blocks the runtime and there is exactly one connection writing.

use std::path::Path;
use std::sync::mpsc;

use tokio::sync::oneshot;

use super::{Result, Store, StoreError};

type Job = Box<dyn FnOnce(&mut Store) + Send>;

/// A handle to the store's thread; cheap to clone.
#[derive(Clone)]
pub struct StoreHandle {
    jobs: mpsc::Sender<Job>,
    path: std::path::PathBuf,
}

impl StoreHandle {
    /// Opens the store (its times read from `clock`) and starts its thread. The thread ends
    /// when the last handle is dropped.
    pub fn open(
        path: &Path,
        clock: std::sync::Arc<dyn crate::clock::Clock>,
    ) -> Result<StoreHandle> {
        let mut store = Store::open_with(path, clock)?;
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("prospect-store".into())
            .spawn(move || {
                for job in rx {
                    job(&mut store);
                }
            })
            .map_err(|e| StoreError::Other {
                path: path.to_path_buf(),
                message: format!("cannot start the store thread: {e}"),
            })?;
        Ok(StoreHandle {
            jobs: tx,
            path: path.to_path_buf(),
        })
    }

    /// Runs `f` on the store's thread and returns its result once it has run (committed).
    pub async fn call<R, F>(&self, f: F) -> Result<R>
    where
        F: FnOnce(&mut Store) -> Result<R> + Send + 'static,
        R: Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |store| {
            let _ = tx.send(f(store));
        });
        self.jobs.send(job).map_err(|_| self.gone())?;
        rx.await.map_err(|_| self.gone())?
    }

    /// Like [`call`](Self::call), from synchronous code.
    pub fn call_blocking<R, F>(&self, f: F) -> Result<R>
    where
        F: FnOnce(&mut Store) -> Result<R> + Send + 'static,
        R: Send + 'static,
    {
        let (tx, rx) = mpsc::channel();
        let job: Job = Box::new(move |store| {
            let _ = tx.send(f(store));
        });
        self.jobs.send(job).map_err(|_| self.gone())?;
        rx.recv().map_err(|_| self.gone())?
    }

    fn gone(&self) -> StoreError {
        StoreError::Other {
            path: self.path.clone(),
            message: "the store's thread has stopped".into(),
        }
    }
}
