import { createHash } from "node:crypto";

/**
 * Rebuilds an RFC 9162 tree leaf by leaf in O(log n) memory (a compact range: the roots of the
 * complete subtrees so far), so the verifier can take the root at any size on the way. Node's
 * own SHA-256 here: this is the verifier's hot loop.
 */
export class TreeBuilder {
  private readonly stack: Buffer[] = [];
  size = 0;

  addLeafData(data: string): Buffer {
    const hash = createHash("sha256").update(Buffer.of(0)).update(data, "utf8").digest();
    this.addLeafHash(hash);
    return hash;
  }

  addLeafHash(hash: Buffer): void {
    let node = hash;
    // Merge while the new node completes a subtree: one merge per trailing 1-bit of the old size.
    for (let size = this.size; size & 1; size >>= 1) node = nodeHash(this.stack.pop()!, node);
    this.stack.push(node);
    this.size += 1;
  }

  /** The root of the tree of the leaves added so far (SHA-256 of nothing when empty). */
  root(): Buffer {
    if (this.stack.length === 0) return createHash("sha256").digest();
    let root = this.stack[this.stack.length - 1]!;
    for (let index = this.stack.length - 2; index >= 0; index -= 1) root = nodeHash(this.stack[index]!, root);
    return root;
  }
}

function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash("sha256").update(Buffer.of(1)).update(left).update(right).digest();
}
