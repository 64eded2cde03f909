/**
 * Spring's {@code ClientHttpRequestFactory} over the Roundtrip transport, and the Spring
 * Boot {@code ClientHttpRequestFactoryBuilder} that makes one per client over a single
 * shared transport. Usable without auto-configuration.
 */
@NullMarked
package dev.roundtrip.spring.http.client;

import org.jspecify.annotations.NullMarked;
