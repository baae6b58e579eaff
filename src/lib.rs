//! sencheck: a library for checking SEN data.
