/** The HTTP adapter of datasets: upload, list, download and delete over REST. */
package org.chimp.store.http;
