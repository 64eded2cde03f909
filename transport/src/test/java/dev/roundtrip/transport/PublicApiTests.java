package dev.roundtrip.transport;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.testing.ApiListing;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The public API of {@code roundtrip-transport} (public and protected types and members
 * of the packages outside {@code internal}) is listed in
 * {@code api/roundtrip-transport.api} and compared here with what the build compiled, so
 * that a change to the API shows in review as a change to that file. After an intended
 * change, regenerate the listing with the command in {@link ApiListing#UPDATE_COMMAND}
 * (CONTRIBUTING.md, "The public API") and commit it.
 */
class PublicApiTests {

	@Test
	void publicApiMatchesTheCommittedListing() throws IOException {
		ApiListing.assertMatchesCommittedListing("roundtrip-transport",
				ApiListing.of(Transport.class, "dev.roundtrip.transport"));
	}

	@Test
	void listingNamesTheTransportAndNoInternalType() {
		String listing = ApiListing.of(Transport.class, "dev.roundtrip.transport");
		assertThat(listing).contains("public final class dev.roundtrip.transport.Transport")
			.doesNotContain("dev.roundtrip.transport.internal.");
	}

}
