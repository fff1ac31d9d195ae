import { hash } from "node:crypto";

/**
 * Rebuilds an RFC 9162 tree leaf by leaf in O(log n) memory (a compact range: the roots of the
 * complete subtrees so far), so the verifier can take the root at any size on the way. This is
 * the verifier's hot loop: hashes are kept as 32-character latin1 strings (one character per
 * byte), because a Buffer per hash is an ArrayBuffer per hash, and millions of those cost the
 * garbage collector more than the hashing (ADR 046).
 */
export class TreeBuilder {
  private readonly stack: string[] = [];
  private readonly nodeInput = Buffer.alloc(65);
  size = 0;

  /** Adds a leaf by its hash (`hashLeafData`'s latin1 string). */
  addLeafHash(leaf: string): void {
    let node = leaf;
    // Merge while the new node completes a subtree: one merge per trailing 1-bit of the old size.
    for (let size = this.size; size & 1; size >>= 1) node = this.nodeHash(this.stack.pop()!, node);
    this.stack.push(node);
    this.size += 1;
  }

  /** The root of the tree of the leaves added so far (SHA-256 of nothing when empty). */
  root(): Buffer {
    if (this.stack.length === 0) return hash("sha256", Buffer.alloc(0), "buffer");
    let root = this.stack[this.stack.length - 1]!;
    for (let index = this.stack.length - 2; index >= 0; index -= 1) root = this.nodeHash(this.stack[index]!, root);
    return Buffer.from(root, "latin1");
  }

  private nodeHash(left: string, right: string): string {
    this.nodeInput[0] = 1;
    this.nodeInput.write(left, 1, "latin1");
    this.nodeInput.write(right, 33, "latin1");
    return hash("sha256", this.nodeInput, "binary");
  }
}
