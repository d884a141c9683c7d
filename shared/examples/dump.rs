//! Prints what the importer understood from a plan text (debug aid).
fn main() {
    let path = std::env::args().nth(1).expect("FILE");
    let text = std::fs::read_to_string(path).unwrap();
    let imp = tiendo_shared::import(&text).unwrap();
    println!("{}", serde_json::to_string_pretty(&imp).unwrap());
}
