/**
 * Closed-form roots of Substrate's base-16 Patricia-Merkle trie, as the {@code ext_trie_*} host
 * functions compute them: {@code sp_trie::LayoutV0/LayoutV1::trie_root} and
 * {@code ordered_trie_root}, that is {@code trie_root::trie_root_no_extension} driving
 * {@code sp_trie::TrieStream}.
 *
 * <ol>
 *   <li>The pairs are sorted by key (unsigned bytes, a prefix first) and de-duplicated, the last
 *       value of a repeated key winning (a {@code BTreeMap} collected from the input). Keys are
 *       used as they are: no key hashing ({@code sec_trie_root} is not what sp-io calls).</li>
 *   <li>Keys are read as nibbles. One item is a leaf with the rest of its key; several items form
 *       a branch whose partial key is the nibbles all of them share beyond the parent's, with the
 *       value of the item whose key ends there, if any, and a child per next nibble.</li>
 *   <li>A node is a header (kind and partial-key length in nibbles), the partial key packed two
 *       nibbles a byte (an odd first nibble alone in the low half), for a branch the 16-bit
 *       children bitmap (little-endian), the value, then for a branch each child: its encoding
 *       as a SCALE byte string when shorter than 32 bytes, else its hash as a SCALE byte string.</li>
 *   <li>A value is a SCALE byte string; in layout V1 a value of 33 bytes or more is replaced by
 *       its 32-byte hash with no length prefix, and the node kind says so.</li>
 *   <li>The root is the hash of the root node's encoding, always (the empty trie is the single
 *       byte {@code 0x00}).</li>
 * </ol>
 *
 * <p>{@link io.pvfhost.worker.execute.trie.TrieProof} verifies compact proofs of such tries: it
 * decodes nodes in this format and encodes them again with the values it is given.
 */
package io.pvfhost.worker.execute.trie;
