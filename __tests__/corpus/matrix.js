"use strict";
// Dense matrices as flat Float64Arrays: multiply, transpose, and solving by Gaussian elimination.

class Matrix {
  constructor(rows, cols, data = new Float64Array(rows * cols)) {
    this.rows = rows;
    this.cols = cols;
    this.data = data;
  }

  static identity(n) {
    const m = new Matrix(n, n);
    for (let i = 0; i < n; i++) m.set(i, i, 1);
    return m;
  }

  static from(array2d) {
    const rows = array2d.length;
    const cols = rows ? array2d[0].length : 0;
    return new Matrix(rows, cols, Float64Array.from(array2d.flat()));
  }

  get(r, c) {
    return this.data[r * this.cols + c];
  }

  set(r, c, value) {
    this.data[r * this.cols + c] = value;
    return this;
  }

  multiply(other) {
    if (this.cols !== other.rows) throw new RangeError(`shape mismatch ${this.rows}x${this.cols} · ${other.rows}x${other.cols}`);
    const out = new Matrix(this.rows, other.cols);
    for (let i = 0; i < this.rows; i++)
      for (let k = 0; k < this.cols; k++) {
        const a = this.get(i, k);
        if (a === 0) continue;
        for (let j = 0; j < other.cols; j++) out.data[i * out.cols + j] += a * other.get(k, j);
      }
    return out;
  }

  transpose() {
    const out = new Matrix(this.cols, this.rows);
    for (let i = 0; i < this.rows; i++) for (let j = 0; j < this.cols; j++) out.set(j, i, this.get(i, j));
    return out;
  }
}

function solve(a, b) {
  const n = a.rows;
  const m = Matrix.from(Array.from({ length: n }, (_, i) => [...a.data.subarray(i * n, i * n + n), b[i]]));
  pivoting: for (let col = 0; col < n; col++) {
    let best = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(m.get(row, col)) > Math.abs(m.get(best, col))) best = row;
    if (Math.abs(m.get(best, col)) < 1e-12) break pivoting;
    for (let j = 0; j <= n; j++) [m.data[col * (n + 1) + j], m.data[best * (n + 1) + j]] = [m.get(best, j), m.get(col, j)];
    for (let row = 0; row < n; row++) {
      if (row === col) continue;
      const factor = m.get(row, col) / m.get(col, col);
      for (let j = col; j <= n; j++) m.set(row, j, m.get(row, j) - factor * m.get(col, j));
    }
  }
  return Array.from({ length: n }, (_, i) => m.get(i, n) / m.get(i, i));
}

module.exports = { Matrix, solve };
