//! Placeholder: the c binding is being written.
