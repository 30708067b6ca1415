/* SPDX-License-Identifier: ISC */
/*
 * service-tool.c: a test-only program around vault-service.h.
 *
 *   service-tool issue DIR PROFILE NAME [BITS [IMPORT.pem]]
 *	prints: id, pem, token, expires
 *   service-tool import DIR NAME PACKAGE KEYNAME [TOKEN [KEYTYPE]]
 *	prints: key_id, key_type, spki_sha256 or kcv; a refusal exits 1
 *	with the message on stderr
 * TOKEN and KEYTYPE may be "-" for none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "secmem.h"
#include "vault-service.h"

static const char *
opt(int argc, char **argv, int i)
{
	return i < argc && strcmp(argv[i], "-") != 0 ? argv[i] : NULL;
}

int
main(int argc, char **argv)
{
	struct vault_service_opts so;
	struct vault_service_info si;
	struct vault_service_import_opts io;
	struct vault_service_result res;
	struct kr_err e;
	int r;

	kr_err_clear(&e);
	if (kr_secmem_init(&e) != 0)
		return 1;
	if (argc >= 5 && argc <= 7 && strcmp(argv[1], "issue") == 0) {
		memset(&so, 0, sizeof(so));
		so.profile = argv[3];
		so.name = argv[4];
		so.bits = argc > 5 ? atoi(argv[5]) : 0;
		so.import_path = opt(argc, argv, 6);
		if ((r = vault_service_issue(argv[2], &so, &si, &e)) != 0)
			goto fail;
		printf("id %s\npem %s\ntoken %s\nexpires %s\n", si.id,
		    si.pem_path, si.token_path, si.expires);
		return 0;
	}
	if (argc >= 6 && argc <= 8 && strcmp(argv[1], "import") == 0) {
		memset(&io, 0, sizeof(io));
		io.name = argv[3];
		io.key_name = argv[5];
		io.token = opt(argc, argv, 6);
		io.key_type = opt(argc, argv, 7);
		if ((r = vault_service_import(argv[2], argv[4], &io, &res,
		    &e)) != 0)
			goto fail;
		printf("key_id %s\nkey_type %s\n", res.key_id, res.key_type);
		if (res.spki_sha256[0] != '\0')
			printf("spki_sha256 %s\n", res.spki_sha256);
		if (res.kcv[0] != '\0')
			printf("kcv %s\n", res.kcv);
		return 0;
	}
	fprintf(stderr, "usage: service-tool issue DIR PROFILE NAME [BITS "
	    "[IMPORT.pem]] | import DIR NAME PACKAGE KEYNAME [TOKEN "
	    "[KEYTYPE]]\n");
	return 64;
fail:
	fprintf(stderr, "service-tool: %s\n", e.msg);
	return r == KR_EUSAGE ? 64 : 1;
}
