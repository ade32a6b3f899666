"""Pure model → document functions (tested without Elasticsearch). Each takes rows already loaded with
what it needs (see `search.sources`) and returns the document body with its `_id`."""

from ipmarket.accounts.cities import cities

PUBLIC_LISTING_STATUSES = ("published", "under_negotiation")
# Longest first: "资阳市" before "资阳".
PLACE_PREFIXES = ["四川省", "四川"] + [p for city in cities() for p in (f"{city}市", city)]


def _starts(*names: str) -> list[str]:
    """Completion inputs: each name, and each name without a leading city or province, so that
    typing "天府" finds "资阳天府智能装备有限公司"."""
    inputs = []
    for name in names:
        if not name:
            continue
        inputs.append(name)
        for prefix in PLACE_PREFIXES:
            if name.startswith(prefix) and len(name) > len(prefix) + 1:
                inputs.append(name[len(prefix) :])
                break
    return list(dict.fromkeys(inputs))


def _location(org) -> dict | None:
    if org.latitude is None or org.longitude is None:
        return None
    return {"lat": float(org.latitude), "lon": float(org.longitude)}


def organisation_document(org) -> dict:
    services = list(org.services.all())
    return {
        "_id": str(org.pk),
        "name": org.name,
        "name_en": org.name_en,
        "kind": org.kind,
        "city": org.city,
        "district": org.district,
        "address": org.address,
        "location": _location(org),
        "services": [s.code for s in services],
        "service_names": [s.name for s in services] + [s.name_en for s in services if s.name_en],
        "description": org.description,
        "phone": org.phone,
        "is_active": org.is_active,
        "updated_at": org.updated_at.isoformat(),
        "suggest": {"input": _starts(org.name, org.name_en), "weight": 10 if org.kind != "enterprise" else 5},
    }


def ip_document_id(asset_type: str, pk) -> str:
    return f"{asset_type}-{pk}"


def ip_version(asset, listings) -> str:
    """When the document last changed: the latest of the asset, its owner and its listings."""
    stamps = [asset.updated_at, asset.owner.updated_at] + [listing.updated_at for listing in listings]
    return max(stamps).isoformat()


def ip_document(asset, listings) -> dict:
    """A patent or trademark with its public listings (`listings`: all listings of the asset)."""
    public = [listing for listing in listings if listing.status in PUBLIC_LISTING_STATUSES]
    prices = [listing.price.amount for listing in public]
    is_patent = asset.asset_type == "patent"
    owner = asset.owner
    codes = [c.code for c in asset.classifications.all()] if is_patent else []
    return {
        "_id": ip_document_id(asset.asset_type, asset.pk),
        "type": asset.asset_type,
        "object_id": asset.pk,
        "title": asset.title if is_patent else asset.mark_name,
        "abstract": asset.abstract if is_patent else asset.goods_services,
        "number": asset.application_number if is_patent else asset.registration_number,
        "kind": asset.patent_type if is_patent else "trademark",
        "status": asset.legal_status if is_patent else asset.status,
        "ipc": codes,
        "ipc_section": sorted({c[0] for c in codes}),
        "nice_classes": [] if is_patent else list(asset.nice_classes),
        "owner_id": owner.pk,
        "owner_name": owner.name,
        "city": owner.city,
        "location": _location(owner),
        "pledged": asset.pledged,
        "deal_types": sorted({listing.deal_type for listing in public}),
        "listing_ids": [listing.pk for listing in public],
        "min_price": str(min(prices)) if prices else None,  # a decimal string: Elasticsearch coerces it
        "expiry_date": asset.expiry_date.isoformat(),
        "updated_at": ip_version(asset, listings),
        "suggest": {
            "input": _starts(asset.title if is_patent else asset.mark_name)
            + [asset.application_number if is_patent else asset.registration_number],
            "weight": 3 if public else 1,
        },
    }
