/** The serving HTTP endpoints: CHIMP's own /model API and the Open Inference Protocol (KServe v2). */
package org.chimp.serving.http;
