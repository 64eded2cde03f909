package dev.roundtrip.spring;

import java.io.IOException;

import dev.roundtrip.spring.autoconfigure.RoundtripTransportAutoConfiguration;
import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.testing.ApiListing;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The public API of {@code roundtrip-spring-boot-autoconfigure} (public and protected
 * types and members of the packages outside {@code internal}) is listed in
 * {@code api/roundtrip-spring-boot-autoconfigure.api} and compared here with what the
 * build compiled, so that a change to the API shows in review as a change to that file.
 * After an intended change, regenerate the listing with the command in
 * {@link ApiListing#UPDATE_COMMAND} (CONTRIBUTING.md, "The public API") and commit it.
 * The listing code is the transport's {@link ApiListing}, from its test jar.
 */
class PublicApiTests {

	@Test
	void publicApiMatchesTheCommittedListing() throws IOException {
		ApiListing.assertMatchesCommittedListing("roundtrip-spring-boot-autoconfigure",
				ApiListing.of(RoundtripTransportAutoConfiguration.class, "dev.roundtrip.spring"));
	}

	@Test
	void listingNamesTheFactoryBuilderAndTheProperties() {
		String listing = ApiListing.of(RoundtripTransportAutoConfiguration.class, "dev.roundtrip.spring");
		assertThat(listing)
			.contains("public final class dev.roundtrip.spring.http.client.RoundtripClientHttpRequestFactoryBuilder")
			.contains("class dev.roundtrip.spring.autoconfigure.RoundtripTransportProperties");
	}

}
