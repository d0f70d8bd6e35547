/** `chimp bench serving`: CHIMP serving next to a bare ONNX Runtime handler, measured in one run. */
package org.chimp.bench.serving;
