/** {@code chimp bench models}: the example models as serving runs them, next to bare ONNX Runtime. */
package org.chimp.bench.models;
