//! Planning the results: several testcases per case become one result, with its status,
//! comment, elapsed time, extra fields and attachments. Pure functions of the reports.

pub mod aggregate;
pub mod attachments;
pub mod comment;
pub mod elapsed;
pub mod fields;
pub mod report_id;
pub mod results;
pub mod status;
pub mod steps;
pub mod test_names;
