/** The dashboard: static pages under {@code /dashboard} over the REST endpoints, and the charts' WebJars. */
package org.chimp.web.dashboard;
