"""REST API for the product catalog."""


from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from keyaccount.catalog import queries, services
from keyaccount.catalog.models import Product
from keyaccount.core.api import InputSchema, Pagination, Version, patch_data, sees_finances

router = Router(tags=["products"])


class ProductOut(Schema):
    id: int
    version: int
    sku: str
    name: str
    category: str
    unit: str
    list_price: Decimal | None = Field(description="Empty for roles that see no money (support)")
    currency: str
    description: str
    is_active: bool

    @staticmethod
    def resolve_list_price(obj: Product, context) -> Decimal | None:
        return obj.list_price if sees_finances(context) else None

    @staticmethod
    def resolve_currency(obj: Product, context) -> str:
        return obj.currency if sees_finances(context) else ""


class ProductIn(InputSchema):
    django_model = Product
    sku: str = Field(max_length=64)
    name: str = Field(max_length=300)
    category: str = Field("", max_length=120)
    unit: str = Field("pcs", max_length=20)
    list_price: Decimal
    currency: str = Field("RUB", max_length=3)
    description: str = ""
    is_active: bool = True


class ProductPatch(InputSchema):
    django_model = Product
    version: Version
    sku: str | None = Field(None, max_length=64)
    name: str | None = Field(None, max_length=300)
    category: str | None = Field(None, max_length=120)
    unit: str | None = Field(None, max_length=20)
    list_price: Decimal | None = None
    currency: str | None = Field(None, max_length=3)
    description: str | None = None
    is_active: bool | None = None


class ProductFilters(InputSchema):
    q: str = Field("", max_length=200)
    category: str = ""
    active: bool | None = None


@router.get("/", response=list[ProductOut])
@paginate(Pagination)
def list_products(request, filters: Query[ProductFilters]):
    return queries.product_list(request.user, search=filters.q, category=filters.category, active=filters.active)


@router.get("/{int:product_id}", response=ProductOut)
def get_product(request, product_id: int):
    return queries.product_get_for_user(product_id=product_id, user=request.user)


@router.post("/", response={201: ProductOut})
def create_product(request, payload: ProductIn):
    return Status(201, services.product_create(user=request.user, data=payload.model_dump()))


@router.patch("/{int:product_id}", response=ProductOut)
def update_product(request, product_id: int, payload: ProductPatch):
    product = queries.product_get_for_user(product_id=product_id, user=request.user)
    data = patch_data(payload, Product)
    return services.product_update(user=request.user, product=product, data=data, version=payload.version)


@router.delete("/{int:product_id}", response={204: None})
def delete_product(request, product_id: int):
    product = queries.product_get_for_user(product_id=product_id, user=request.user)
    services.product_delete(user=request.user, product=product)
    return Status(204, None)
