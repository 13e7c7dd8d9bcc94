;; trieproof.wat -- a PVF that calls the four ext_trie_*_verify_proof host functions on the
;; compact proof [42 aa 00] (the one leaf of key aa, its value omitted) and returns their six answers
;; as its head data, in this order (the expected answer in brackets):
;;   blake2 v1, value bb, root of {aa: bb}                         [1]
;;   blake2 v1, value bc, same root                                [0]
;;   blake2 v2 version 1, value 33 x 07, V1 root of {aa: 33 x 07}  [1]  (V1 stores the value's hash)
;;   blake2 v2 version 0, same value and root                      [0]  (V0 puts the value inline)
;;   keccak v1, value bb, keccak root of {aa: bb}                  [1]
;;   keccak v2 version 1, value 33 x 07, keccak V1 root            [1]
;; The roots were computed with TrieRoot (the blake2 ones also with Python's hashlib).
;;
;; Build:  wat2wasm trieproof.wat -o trieproof.wasm        (wabt)
(module
  (import "env" "memory" (memory 17))
  (import "env" "ext_trie_blake2_256_verify_proof_version_1" (func $b1 (param i32 i64 i64 i64) (result i32)))
  (import "env" "ext_trie_blake2_256_verify_proof_version_2" (func $b2 (param i32 i64 i64 i64 i32) (result i32)))
  (import "env" "ext_trie_keccak_256_verify_proof_version_1" (func $k1 (param i32 i64 i64 i64) (result i32)))
  (import "env" "ext_trie_keccak_256_verify_proof_version_2" (func $k2 (param i32 i64 i64 i64 i32) (result i32)))

  (global $heap_base i32 (i32.const 65536))
  (export "__heap_base" (global $heap_base))

  (data (i32.const 1024) "\71\39\09\3d\c8\fd\c2\85\c4\94\16\f8\09\74\ef\72\2e\77\01\17\d1\62\6d\cc\73\90\40\6b\a7\45\b1\33")
  (data (i32.const 1056) "\d7\7a\d5\f5\8d\33\d7\01\7b\f0\2e\b5\c2\d0\0e\2a\0a\2b\5a\78\84\d1\f3\62\b7\12\f5\a1\12\c3\81\b5")
  (data (i32.const 1088) "\b6\11\ba\4c\8d\d5\7c\c9\30\80\cb\ac\26\8c\63\ce\4e\14\87\62\cc\18\fa\95\b6\8f\82\e8\8c\71\a3\cd")
  (data (i32.const 1120) "\95\4c\b8\2f\5b\f7\cd\22\09\02\b7\1d\33\a3\f4\e4\07\2a\9a\f6\27\f6\e7\e0\f8\78\d4\77\7a\3e\05\3e")
  ;; the proof, SCALE Vec<Vec<u8>>: one node of 3 bytes
  (data (i32.const 1200) "\04\0c\42\aa\00")
  (data (i32.const 1216) "\aa\bb\bc")
  (data (i32.const 1232) "\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07")
  ;; result: head data of 6 bytes (compact 6 = 18) at 2049.., no code, no messages, 0 processed, watermark 0
  (data (i32.const 2048) "\18\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00")

  (func (export "validate_block") (param $ptr i32) (param $len i32) (result i64)
    (local $proof i64) (local $key i64) (local $bb i64) (local $bc i64) (local $big i64)
    (local.set $proof (i64.or (i64.shl (i64.const 5) (i64.const 32)) (i64.const 1200)))
    (local.set $key (i64.or (i64.shl (i64.const 1) (i64.const 32)) (i64.const 1216)))
    (local.set $bb (i64.or (i64.shl (i64.const 1) (i64.const 32)) (i64.const 1217)))
    (local.set $bc (i64.or (i64.shl (i64.const 1) (i64.const 32)) (i64.const 1218)))
    (local.set $big (i64.or (i64.shl (i64.const 33) (i64.const 32)) (i64.const 1232)))
    (i32.store8 (i32.const 2049) (call $b1 (i32.const 1024) (local.get $proof) (local.get $key) (local.get $bb)))
    (i32.store8 (i32.const 2050) (call $b1 (i32.const 1024) (local.get $proof) (local.get $key) (local.get $bc)))
    (i32.store8 (i32.const 2051) (call $b2 (i32.const 1056) (local.get $proof) (local.get $key) (local.get $big) (i32.const 1)))
    (i32.store8 (i32.const 2052) (call $b2 (i32.const 1056) (local.get $proof) (local.get $key) (local.get $big) (i32.const 0)))
    (i32.store8 (i32.const 2053) (call $k1 (i32.const 1088) (local.get $proof) (local.get $key) (local.get $bb)))
    (i32.store8 (i32.const 2054) (call $k2 (i32.const 1120) (local.get $proof) (local.get $key) (local.get $big) (i32.const 1)))
    (i64.or (i64.shl (i64.const 18) (i64.const 32)) (i64.const 2048)))
)
