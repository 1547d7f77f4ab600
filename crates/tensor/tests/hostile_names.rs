//! Hostile names for the name lookups of gradus-tensor (`names`, `Activation::from_str`)
//! and, with the `ndarray` feature, hostile shapes for the array conversions: every call
//! returns `Ok` or `Err`, never panics.

use gradus_tensor::Activation;
use gradus_tensor::names::{UnknownName, nearest, parse_name};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Any text (control characters, non-ASCII, very long) parses or is an error that
    /// lists every valid name once, nearest first.
    #[test]
    fn any_text_parses_or_lists_the_names(name in "\\PC{0,40}|[a-z_]{0,12}") {
        match name.parse::<Activation>() {
            Ok(a) => prop_assert!(Activation::NAMES.contains(&a.to_string().as_str())),
            Err(e) => {
                prop_assert_eq!(e.valid.len(), 13);
                prop_assert!(e.to_string().starts_with("unknown activation "));
                let d: Vec<usize> = e.valid.iter()
                    .map(|v| gradus_tensor::names::distance(&name, v)).collect();
                prop_assert!(d.windows(2).all(|w| w[0] <= w[1]), "{:?}", d);
            }
        }
        let table = [("a", 1), ("bb", 2)];
        let _ = parse_name("thing", &name, &table);
        prop_assert_eq!(nearest(&name, ["x", "yy", ""]).len(), 3);
        let _ = UnknownName::new("thing", name.clone(), []).to_string();
    }
}

#[cfg(feature = "ndarray")]
mod arrays {
    use gradus_tensor::{Error, Tensor};
    use ndarray::{ArrayD, IxDyn};
    use proptest::prelude::*;

    proptest! {
        /// Arrays of rank 0 to 6 with small (also zero) dimensions convert to tensors of
        /// rank 1 to 4 and back unchanged; other ranks are `Error::Rank`.
        #[test]
        fn any_small_array_converts_or_is_a_rank_error(
            dims in prop::collection::vec(0usize..4, 0..7),
        ) {
            let n: usize = dims.iter().product();
            let a = ArrayD::from_shape_vec(IxDyn(&dims), (0..n).map(|v| v as f32).collect())
                .unwrap();
            match Tensor::try_from(a.clone()) {
                Ok(t) => {
                    prop_assert!((1..=4).contains(&dims.len()));
                    prop_assert_eq!(ArrayD::from(t), a);
                }
                Err(e) => {
                    prop_assert!(!(1..=4).contains(&dims.len()));
                    prop_assert!(matches!(e, Error::Rank { .. }), "{}", e);
                }
            }
        }
    }
}
