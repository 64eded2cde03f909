package dev.roundtrip.spring.autoconfigure;

import dev.roundtrip.transport.Transport;

/**
 * Customizes the auto-configured {@link Transport} before it is built, after the
 * {@code roundtrip.transport.*} properties are applied: for what has no property, such as
 * a {@code hostnameVerifier} or a default {@code sslContext}. Beans of this type are
 * applied in order.
 */
@FunctionalInterface
public interface TransportBuilderCustomizer {

	void customize(Transport.Builder builder);

}
