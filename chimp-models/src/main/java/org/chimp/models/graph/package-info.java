/** ONNX protobuf pieces (value infos, attributes, raw tensors) the tiny run-time written models are assembled from. */
package org.chimp.models.graph;
