//! Keyrings of the current thread, addressed by small integer handles.
//!
//! A JS `Keyring` stores the handle as a number. Looking it up here costs a
//! few nanoseconds, where checking a napi `External` costs about 25 ns on
//! every call (napi-rs 3.16 checks each one against a mutex-guarded global
//! registry). Each JS thread (the main thread and each worker) has its own
//! table, because a handle never crosses threads. The JS layer frees a
//! handle when its `Keyring` is garbage collected, through a
//! `FinalizationRegistry`, and the table drops the rest, zeroing their keys,
//! when the thread exits.

use std::cell::RefCell;

use pexelize_identity::{Error, Keyring};

#[derive(Default)]
struct Table {
    slots: Vec<Option<Keyring>>,
    free: Vec<u32>,
}

thread_local! {
    static KEYRINGS: RefCell<Table> = RefCell::new(Table::default());
}

fn unknown_handle() -> Error {
    Error::InvalidArgument(
        "keyring handle is not a live keyring of this thread; build keyrings with new Keyring()"
            .to_owned(),
    )
}

/// Stores a keyring and returns its handle.
///
/// # Errors
///
/// [`Error::InvalidArgument`] when the table is in use by the caller, which
/// the binding never does, or already contains `u32::MAX` keyrings.
pub fn insert(keyring: Keyring) -> Result<u32, Error> {
    KEYRINGS.with(|table| {
        let mut table = table.try_borrow_mut().map_err(|_| unknown_handle())?;
        if let Some(handle) = table.free.pop() {
            table.slots[handle as usize] = Some(keyring);
            return Ok(handle);
        }
        let handle = u32::try_from(table.slots.len())
            .map_err(|_| Error::InvalidArgument("too many keyrings on this thread".to_owned()))?;
        table.slots.push(Some(keyring));
        Ok(handle)
    })
}

/// Calls `f` with the keyring of `handle`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] when `handle` is not a live keyring of this
/// thread.
pub fn with<R>(handle: u32, f: impl FnOnce(&Keyring) -> R) -> Result<R, Error> {
    KEYRINGS.with(|table| {
        let table = table.try_borrow().map_err(|_| unknown_handle())?;
        match table.slots.get(handle as usize) {
            Some(Some(keyring)) => Ok(f(keyring)),
            _ => Err(unknown_handle()),
        }
    })
}

/// Calls `f` with the keyring of `handle`, mutable.
///
/// # Errors
///
/// As [`with`], and the error that `f` returns.
pub fn with_mut<R>(
    handle: u32,
    f: impl FnOnce(&mut Keyring) -> Result<R, Error>,
) -> Result<R, Error> {
    KEYRINGS.with(|table| {
        let mut table = table.try_borrow_mut().map_err(|_| unknown_handle())?;
        match table.slots.get_mut(handle as usize) {
            Some(Some(keyring)) => f(keyring),
            _ => Err(unknown_handle()),
        }
    })
}

/// Drops the keyring of `handle`, zeroing its keys. An unknown handle is
/// ignored, so a double free cannot release another keyring's slot twice.
pub fn remove(handle: u32) {
    KEYRINGS.with(|table| {
        let Ok(mut table) = table.try_borrow_mut() else {
            return;
        };
        let removed = table.slots.get_mut(handle as usize).and_then(Option::take);
        if removed.is_some() {
            table.free.push(handle);
        }
    });
}
