/* SPDX-License-Identifier: ISC */
/*
 * vault-regions.c: the 18 regions of the legacy BYOK toolset (reference
 * byok-regions.tsv): id, display name, toolset zip name, the vendor's
 * published toolset hash and the package code.  germany and germany-public
 * share the GERMANY packages.  Package names are derived here and nowhere
 * else, so the procedure's hand-written typos cannot happen.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "vault.h"

static const struct vault_region regions[VAULT_NREGIONS] = {
	{ "unitedstates", "North America", "KeyVault-BYOK-Tools-UnitedStates.zip",
	  "2E8C00320400430106366A4E8C67B79015524E4EC24A2D3A6DC513CA1823B0D4", "NA" },
	{ "europe", "Europe", "KeyVault-BYOK-Tools-Europe.zip",
	  "9AAA63E2E7F20CF9BB62485868754203721D2F88D300910634A32DFA1FB19E4A", "EU" },
	{ "asiapacific", "Asia", "KeyVault-BYOK-Tools-AsiaPacific.zip",
	  "4BC14059BF0FEC562CA927AF621DF665328F8A13616F44C977388EC7121EF6B5", "AP" },
	{ "latinamerica", "Latin America", "KeyVault-BYOK-Tools-LatinAmerica.zip",
	  "E7DFAFF579AFE1B9732C30D6FD80C4D03756642F25A538922DD1B01A4FACB619", "LATAM" },
	{ "japan", "Japan", "KeyVault-BYOK-Tools-Japan.zip",
	  "3933C13CC6DC06651295ADC482B027AF923A76F1F6BF98B4D4B8E94632DEC7DF", "JPN" },
	{ "korea", "Korea", "KeyVault-BYOK-Tools-Korea.zip",
	  "71AB6BCFE06950097C8C18D532A9184BEF52A74BB944B8610DDDA05344ED136F", "KOREA" },
	{ "southafrica", "South Africa", "KeyVault-BYOK-Tools-SouthAfrica.zip",
	  "C41060C5C0170AAAAD896DA732E31433D14CB9FC83AC3C67766F46D98620784A", "SA" },
	{ "uae", "UAE", "KeyVault-BYOK-Tools-UAE.zip",
	  "FADE80210B06962AA0913EA411DAB977929248C65F365FD953BB9F241D5FC0D3", "UAE" },
	{ "australia", "Australia", "KeyVault-BYOK-Tools-Australia.zip",
	  "CD0FB7365053DEF8C35116D7C92D203C64A3D3EE2452A025223EEB166901C40A", "AUS" },
	{ "usgovcloud", "Azure Government", "KeyVault-BYOK-Tools-USGovCloud.zip",
	  "F8DB2FC914A7360650922391D9AA79FF030FD3048B5795EC83ADC59DB018621A", "USGOV" },
	{ "usgovernmentdod", "US Government DOD",
	  "KeyVault-BYOK-Tools-USGovernmentDoD.zip",
	  "A79DD8C6DFFF1B00B91D1812280207A205442B3DDF861B79B8B991BB55C35263", "USDOD" },
	{ "canada", "Canada", "KeyVault-BYOK-Tools-Canada.zip",
	  "61BE1A1F80AC79912A42DEBBCC42CF87C88C2CE249E271934630885799717C7B", "CANADA" },
	{ "germany", "Germany", "KeyVault-BYOK-Tools-Germany.zip",
	  "5385E615880AAFC02AFD9841F7BADD025D7EE819894AA29ED3C71C3F844C45D6", "GERMANY" },
	{ "germany-public", "Germany Public", "KeyVault-BYOK-Tools-Germany-Public.zip",
	  "54534936D0A0C99C8117DB724C34A5E50FD204CFCBD75C78972B785865364A29", "GERMANY" },
	{ "india", "India", "KeyVault-BYOK-Tools-India.zip",
	  "49EDCEB3091CF1DF7B156D5B495A4ADE1CFBA77641134F61B0E0940121C436C8", "INDIA" },
	{ "france", "France", "KeyVault-BYOK-Tools-France.zip",
	  "5C9D1F3E4125B0C09E9F60897C9AE3A8B4CB0E7D13A14F3EDBD280128F8FE7DF", "FRANCE" },
	{ "unitedkingdom", "United Kingdom", "KeyVault-BYOK-Tools-UnitedKingdom.zip",
	  "432746BD0D3176B708672CCFF19D6144FCAA9E5EB29BB056489D3782B3B80849", "UK" },
	{ "switzerland", "Switzerland", "KeyVault-BYOK-Tools-Switzerland.zip",
	  "88CF8D39899E26D456D4E0BC57E5C94913ABF1D73A89013FCE3BBD9599AD2FE9", "SUI" },
};

const struct vault_region *
vault_region_at(size_t i)
{
	return i < VAULT_NREGIONS ? &regions[i] : NULL;
}

const struct vault_region *
vault_region_find(const char *s)
{
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < VAULT_NREGIONS; i++)
		if (strcasecmp(s, regions[i].id) == 0)
			return &regions[i];
	for (i = 0; i < VAULT_NREGIONS; i++)
		if (strcasecmp(s, regions[i].code) == 0)
			return &regions[i];
	return NULL;
}

int
vault_pkg_name(char *out, size_t outsz, const char *kind, const char *code)
{
	int n;

	if (strcmp(kind, "KEK") != 0 && strcmp(kind, "SecurityWorld") != 0)
		return KR_EUSAGE;
	n = snprintf(out, outsz, "BYOK-%s-pkg-%s-1", kind, code);
	if (n < 0 || (size_t)n >= outsz)
		return KR_EUSAGE;
	return 0;
}

void
vault_name_from_dir(const char *dir, char *out, size_t outsz)
{
	const char *base, *end;
	size_t o = 0;
	int dash = 1;

	if (outsz == 0)
		return;
	end = dir + strlen(dir);
	while (end > dir && end[-1] == '/')
		end--;
	base = end;
	while (base > dir && base[-1] != '/')
		base--;
	for (; base < end && o + 1 < outsz; base++) {
		char c = *base;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			out[o++] = c;
			dash = 0;
		} else if (!dash) {
			out[o++] = '-';
			dash = 1;
		}
	}
	while (o > 0 && out[o - 1] == '-')
		o--;
	out[o] = '\0';
	if (o == 0)
		snprintf(out, outsz, "keyrite-vault");
}
