import { hash } from "node:crypto";

/**
 * Rebuilds an RFC 9162 tree leaf by leaf in O(log n) memory (a compact range: the roots of the
 * complete subtrees so far), so the verifier can take the root at any size on the way. This is
 * the verifier's hot loop: Node's one-shot `crypto.hash` over reused buffers (no hasher object
 * and no prefix buffer per hash) runs about twice as fast as `createHash` here.
 */
export class TreeBuilder {
  private readonly stack: Buffer[] = [];
  private leafInput = Buffer.alloc(4096);
  private readonly nodeInput = Buffer.alloc(65);
  size = 0;

  addLeafData(data: string): Buffer {
    // 0x00 || UTF-8 of the data; a UTF-16 code unit never takes more than 3 UTF-8 bytes.
    if (data.length * 3 + 1 > this.leafInput.length) this.leafInput = Buffer.alloc(data.length * 3 + 1);
    this.leafInput[0] = 0;
    const length = this.leafInput.write(data, 1, "utf8");
    const leaf = hash("sha256", this.leafInput.subarray(0, length + 1), "buffer");
    this.addLeafHash(leaf);
    return leaf;
  }

  addLeafHash(leaf: Buffer): void {
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
    return root;
  }

  private nodeHash(left: Buffer, right: Buffer): Buffer {
    this.nodeInput[0] = 1;
    left.copy(this.nodeInput, 1);
    right.copy(this.nodeInput, 33);
    return hash("sha256", this.nodeInput, "buffer");
  }
}
