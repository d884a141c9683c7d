//! Copying a deployment from one store to another (`tiendo migrate-store`): every table's rows
//! as they are, then every document read back from the destination and its heads compared with
//! the source's.
//!
//! Stage: *operations*, with no server running on either store.
