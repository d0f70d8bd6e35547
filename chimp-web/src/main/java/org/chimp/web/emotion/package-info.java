/** The emotion page's rules, free of HTTP: what a live connection may send, and corrections as dataset versions. */
package org.chimp.web.emotion;
